"""Payment gateways: the Protocol (base.py), the registry, the fake, the sandbox client, Stripe."""
