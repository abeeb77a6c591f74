import pytest


@pytest.fixture
def evaluation_models(reference_data):
    """The seeded general and food models (version 1, published), as the migration writes them (``reference_data``
    loads them again after a transactional test flushed what migrations wrote)."""
    from evaluation.models import EvaluationModel

    return {model.code: model for model in EvaluationModel.objects.all()}
