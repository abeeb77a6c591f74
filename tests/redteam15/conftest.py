import pytest


@pytest.fixture
def evaluation_models(reference_data):
    """The seeded general and food models, as the migration writes them."""
    from evaluation.models import EvaluationModel

    return {model.code: model for model in EvaluationModel.objects.all()}
