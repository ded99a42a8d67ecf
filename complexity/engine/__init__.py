"""The walk: passes shapes through a network's layers and costs each one (``walk``); a walk's
rows at another resolution (``resize``) and at another α (``widths``)."""
