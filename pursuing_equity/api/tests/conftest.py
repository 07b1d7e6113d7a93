import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded materials of the API's world go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
