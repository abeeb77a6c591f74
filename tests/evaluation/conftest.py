import importlib

import pytest

SEED = importlib.import_module("evaluation.migrations.0002_seed_models")


@pytest.fixture
def evaluation_models(reference_data):
    """The seeded general and food models (version 1, published), as the migration writes them: transactional
    tests flush what migrations wrote, so the tests load them again (the seed only inserts what is missing)."""
    from django.apps import apps

    from evaluation.models import EvaluationModel

    SEED.seed(apps, None)
    return {model.code: model for model in EvaluationModel.objects.all()}
