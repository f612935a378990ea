"""Pages of the contract family (表5-14 … 5-16): contracts, reviews, changes, notices."""

from django.urls import path

from contracts.views import changes, contracts, reviews

urlpatterns: list = [
    path("", contracts.contract_list, name="contract-list"),
    path("new/", contracts.ContractFormView.as_view(), name="contract-create"),
    path("<int:pk>/", contracts.contract_detail, name="contract-detail"),
    path("<int:pk>/edit/", contracts.ContractFormView.as_view(), name="contract-edit"),
    path("<int:pk>/action/", contracts.contract_action, name="contract-action"),
    path("<int:pk>/review/", reviews.contract_review, name="contract-review"),
    path("reviews/<int:pk>/", reviews.review_round, name="contract-review-round"),
    path("steps/<int:pk>/sign/", reviews.step_sign, name="step-sign"),
    path("<int:pk>/changes/new/", changes.ChangeCreateView.as_view(), name="change-create"),
    path("changes/<int:pk>/", changes.change_detail, name="change-detail"),
    path("changes/<int:pk>/action/", changes.change_action, name="change-action"),
    path("notices/<int:pk>/sign/", changes.notice_sign, name="notice-sign"),
]
