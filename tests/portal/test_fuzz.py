"""Whatever a browser (or anyone) posts to the portal, the answer is never a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.conftest import seed
from tests.portal.test_pages import csrf_of, make_client, sign_in

pytestmark = pytest.mark.db
FIELDS = ["amount", "birth_date", "consent", "day", "details", "due_on", "form", "instalments",
          "kind", "last_digits", "locale", "note", "offer", "postal_code", "reason", "slot",
          "stop", "days_1", "from_1", "to_1"]  # fmt: skip
PATHS = ["/verify", "/locale", "/pay", "/promise", "/plan", "/settle", "/dispute",
         "/preferences", "/callback"]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e9", "100.00", "99999999999999999999", "2026-02-30",
                     "2026-12-01", "NaN", "sms", "email", "lump_sum", "short_plan", "all",
                     "not_mine", "evening", "zh-CN", "en-US", "08:00", "25:99", "\x00", "１００"]),
)  # fmt: skip
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8)


@pytest.fixture
def signed_in(uow_factory, tmp_path, database_url):
    if database_url.startswith("postgresql"):
        pytest.skip("one backend is enough for fuzzing the pages")
    s = seed(uow_factory)
    client = make_client(uow_factory, tmp_path)
    token = csrf_of(sign_in(client, s.token).text)
    return client, s, token


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PATHS), form=FORMS, with_csrf=st.booleans())
def test_random_forms_get_an_answer_not_a_crash(signed_in, path, form, with_csrf):
    client, s, token = signed_in
    data = {**form, **({"csrf": token} if with_csrf else {})}
    response = client.post(f"/portal/{s.token}{path}", data=data)
    assert response.status_code < 500, (path, data, response.text[:300])
    assert "Traceback" not in response.text
