def test_each_gateway_names_the_origin_of_its_hosted_page():
    from arrears.payments.gateways.fake import FakeGateway
    from arrears.payments.gateways.sandbox import SandboxGateway
    from arrears.payments.gateways.stripe import StripeGateway

    sandbox = SandboxGateway(base_url="http://127.0.0.1:8026/", webhook_secret="s")
    stripe = StripeGateway(api_key="sk_test_x", webhook_secret="whsec_x")
    assert sandbox.checkout_origins == ("http://127.0.0.1:8026",)
    assert stripe.checkout_origins == ("https://checkout.stripe.com",)
    assert FakeGateway().checkout_origins == ()
