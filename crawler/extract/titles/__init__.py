"""The headline: chosen among the titles a page states, cleaned of site names and sections."""
