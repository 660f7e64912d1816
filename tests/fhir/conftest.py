import pytest

from tests.fhir import data


@pytest.fixture
def ehr(db):
    """A read-write system and a client holding its token."""
    system, token = data.api_system()
    return system, data.api_client(token)


@pytest.fixture
def reader(db):
    system, token = data.api_system("Example Reader", scope="read")
    return system, data.api_client(token)
