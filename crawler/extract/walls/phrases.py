"""The wording of walls, in the languages the archive's sources use most.

Each pattern is a phrase a wall prints to the reader, chosen so that an
article rarely says it: "accept all" rather than "cookie", "to continue
reading" rather than "subscribe". They are matched on lower-cased text.
"""

from __future__ import annotations

import re


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in phrases))


CONSENT = _any(
    r"\bwe use cookies",
    r"\bwe and our (?:\d+ )?(?:partners|vendors)",
    r"\bbefore you continue",
    r"\baccept all\b",
    r"\breject all\b",
    r"\bmanage (?:cookie |privacy )?(?:settings|preferences|options|choices)",
    r"\byour privacy choices",
    r"\bcookie (?:policy|settings|preferences|consent)",
    r"\bpersonali[sz]ed (?:ads|advertising|content)",
    r"\blegitimate interest",
    r"\bstore and/or access information",
    r"\bconsent\b",
    r"\bwir verwenden cookies",
    r"\balle akzeptieren",
    r"\beinwilligung",
    r"\bzustimmen\b",
    r"\bdatenschutzeinstellungen",
    r"\bnous utilisons des cookies",
    r"\btout accepter",
    r"\bcontinuer sans accepter",
    r"\bconsentement",
    r"\butilizamos cookies",
    r"\baceptar todo",
    r"\baceptar y continuar",
    r"\bconsentimiento",
    r"\butilizziamo (?:i )?cookie",
    r"\baccetta tutto",
    r"\baccetta e continua",
    r"\bconsenso\b",
    r"\bwij gebruiken cookies",
    r"\balles accepteren",
    r"\baceitar tudo",
    r"\butilizamos cookies",
)

PAYWALL = _any(
    r"\bsubscribe (?:now )?to (?:continue|keep) reading",
    r"\bto (?:continue|keep) reading,? (?:subscribe|become|start|sign|log)",
    r"\bsubscribe to read\b",
    r"\balready (?:a )?(?:subscriber|subscribed|a member)\b",
    r"\b(?:this|the) (?:article|story|content) is (?:only )?(?:available|reserved|exclusive) (?:to|for) "
    r"(?:subscribers|members)",
    r"\bsubscribers only\b",
    r"\bunlock (?:this|the full) (?:article|story)",
    r"\bstart your (?:free )?trial to (?:continue|read)",
    r"\bweiterlesen mit\b",
    r"\bnur für abonnenten",
    r"\bbereits abonnent",
    r"\bjetzt (?:abonnieren|freischalten) und weiterlesen",
    r"\bréservé aux abonnés",
    r"\bla suite (?:de cet article )?est réservée",
    r"\bpour lire la suite",
    r"\bdéjà abonné",
    r"\bsolo para suscriptores",
    r"\bexclusivo para suscriptores",
    r"\bya eres suscriptor",
    r"\briservato agli abbonati",
    r"\bsei già abbonato",
    r"\babbonati per (?:continuare|leggere)",
    r"\balleen voor abonnees",
    r"\bal abonnee\b",
)

CHALLENGE = _any(
    r"\bchecking (?:if the site connection is secure|your browser)",
    r"\bjust a moment\.\.\.",
    r"\bverify(?:ing)? (?:that )?you are (?:a )?human",
    r"\bare you a robot",
    r"\bnot a robot\b",
    r"\bcomplete the security check",
    r"\benable javascript and cookies to continue",
    r"\bddos protection by",
    r"\battention required!",
    r"\bpardon our interruption",
    r"\bpress (?:&|and) hold\b",
    r"\bunusual traffic from your",
    r"\bincapsula incident id",
    r"\bbitte bestätigen sie, dass sie ein mensch sind",
    r"\bvous n'êtes pas un robot",
    r"\bno eres un robot",
    r"\bnon sei un robot",
)

LOGIN = _any(
    r"\b(?:sign|log) ?in to (?:continue|read|keep reading)",
    r"\bcreate (?:a |your )?(?:free )?account to (?:continue|read|keep reading)",
    r"\bregister (?:for free )?to (?:continue|read|keep reading)",
    r"\bmelden sie sich an,? um",
    r"\banmelden,? um weiterzulesen",
    r"\bregistrieren sie sich kostenlos",
    r"\bconnectez-vous pour",
    r"\binicia sesión para",
    r"\bregístrate para (?:seguir|continuar)",
    r"\baccedi per (?:continuare|leggere)",
    r"\bregistrati per (?:continuare|leggere)",
    r"\blog in om verder te lezen",
)

# A bare "404" is a road, a flight or a score as often as an error: see kind.py.
NUMBER_404 = re.compile(r"\b404\b")
NOT_FOUND = _any(
    r"\bpage not found",
    r"\b(?:page|article|story|content|file) (?:was )?not found",
    r"\b(?:page|article|story|content) (?:you (?:are|were) looking for )?(?:does not|doesn't|no longer) exists?",
    r"\bcould not be found",
    r"\bcan(?:no|')t be found",
    r"\bwe can(?:'|no)t find (?:the|that|this) page",
    r"\bseite (?:wurde )?nicht gefunden",
    r"\bseite existiert nicht",
    r"\bpage introuvable",
    r"\bpage (?:demandée )?n'existe pas",
    r"\bpágina no encontrada",
    r"\bla página (?:que buscas )?no existe",
    r"\bpagina non trovata",
    r"\bpagina niet gevonden",
)

ERROR = _any(
    r"\binternal server error",
    r"\bservice (?:temporarily )?unavailable",
    r"\bbad gateway",
    r"\bgateway time-?out",
    r"\bsomething went wrong",
    r"\ban (?:unexpected )?error (?:has )?occurred",
    r"\btemporarily unavailable",
    r"\bunder maintenance",
    r"\bwartungsarbeiten",
    r"\bein fehler ist aufgetreten",
    r"\bune erreur (?:est survenue|s'est produite)",
    r"\bse ha producido un error",
    r"\bsi è verificato un errore",
    r"\berror 5\d\d\b",
)

# An application shell that draws its page with scripts: without them, nothing.
SHELL = _any(
    r"\benable javascript",
    r"\bjavascript (?:is )?(?:required|disabled|must be enabled)",
    r"\bjavascript aktivieren",
    r"\bactiver (?:le )?javascript",
    r"\bhabilita(?:r)? javascript",
    r"\babilita(?:re)? javascript",
)
