"""The collector workbench and the supervisor console (users and sign-in so far)."""
