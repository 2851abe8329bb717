"Shared fixtures: the repository root, and no hub access in any test."
import os
from pathlib import Path
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('HF_DATASETS_OFFLINE', '1')

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='session')
def repo_root()->Path:
    "The checkout the tests run from."
    return ROOT
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
