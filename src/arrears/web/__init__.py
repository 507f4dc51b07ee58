"""The web application: health, provider webhooks (and, as they land, the workbench and portal)."""
