"""Creating staff users: validation, hashing and password checks."""

from __future__ import annotations

import pytest

from caseflow.domain.errors import InvalidInput
from caseflow.services.runtime import Runtime
from caseflow.services.units import import_units
from caseflow.services.users import check_password, create_user, find_user

UNITS = [
    {"code": "city", "name": "乐山市", "kind": "city"},
    {"code": "community", "name": "嘉州社区", "kind": "community", "parent": "city"},
]


@pytest.fixture
def units(runtime: Runtime) -> Runtime:
    """The runtime with a two-unit tree to bind users to."""
    with runtime.uow() as uow:
        import_units(uow, [], UNITS)
        uow.commit()
    return runtime


def _create(runtime: Runtime, **overrides: object):  # type: ignore[no-untyped-def]
    fields = {"username": "grid.jiazhou", "display_name": "嘉州社区网格员",
              "role": "caseworker", "unit_code": "community", "password": "long enough"}
    fields.update(overrides)
    with runtime.uow() as uow:
        user = create_user(uow, **fields)  # type: ignore[arg-type]
        uow.commit()
    return user


def test_a_created_user_is_stored_with_a_scrypt_hash(units: Runtime) -> None:
    _create(units)
    with units.uow() as uow:
        user = find_user(uow.session, "grid.jiazhou")
        assert user is not None
        assert user.role == "caseworker" and user.unit is not None
        assert user.unit.code == "community"
        assert user.password_hash is not None and user.password_hash.startswith("scrypt:")
        assert "long enough" not in user.password_hash


def test_the_right_password_verifies_and_a_wrong_one_does_not(units: Runtime) -> None:
    user = _create(units)
    assert check_password(user, "long enough")
    assert not check_password(user, "long enougH")
    assert not check_password(user, "")


def test_an_inactive_user_never_verifies(units: Runtime) -> None:
    user = _create(units)
    user.active = False
    assert not check_password(user, "long enough")


def test_usernames_are_found_whatever_their_case(units: Runtime) -> None:
    _create(units, username="Grid.Jiazhou")
    with units.uow() as uow:
        assert find_user(uow.session, "GRID.jiazhou") is not None
        assert find_user(uow.session, "nobody") is None


def test_a_taken_username_is_refused(units: Runtime) -> None:
    _create(units)
    with pytest.raises(InvalidInput) as caught:
        _create(units, display_name="另一个人")
    assert caught.value.field == "username"


def test_two_users_with_one_name_in_one_unit_of_work_are_refused(units: Runtime) -> None:
    with units.uow() as uow:
        create_user(uow, "butler", "管家", "caseworker", "community", "long enough")
        with pytest.raises(InvalidInput):
            create_user(uow, "butler", "管家", "caseworker", "community", "long enough")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "mayor"}, "role"),
        ({"role": "system"}, "role"),
        ({"username": "网格员"}, "username"),
        ({"username": "a"}, "username"),
        ({"username": "has space"}, "username"),
        ({"display_name": "  "}, "display_name"),
        ({"password": "short"}, "password"),
        ({"unit_code": "nowhere"}, "unit"),
        ({"unit_code": None}, "unit"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(
    units: Runtime, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _create(units, **overrides)
    assert caught.value.field == field
    with units.uow() as uow:
        assert find_user(uow.session, "grid.jiazhou") is None


def test_an_admin_needs_no_unit(units: Runtime) -> None:
    admin = _create(units, username="admin", role="admin", unit_code=None)
    assert admin.unit_id is None
