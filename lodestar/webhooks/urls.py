from django.urls import path

from . import views

urlpatterns = [
    path("coordinate/<slug:slug>/webhooks/", views.endpoint_list, name="webhook_endpoints"),
    path(
        "coordinate/<slug:slug>/webhooks/new/", views.endpoint_create, name="webhook_endpoint_new"
    ),
    path(
        "coordinate/<slug:slug>/webhooks/<int:pk>/", views.endpoint_detail, name="webhook_endpoint"
    ),
    path(
        "coordinate/<slug:slug>/webhooks/<int:pk>/delete/",
        views.endpoint_delete,
        name="webhook_endpoint_delete",
    ),
    path(
        "coordinate/<slug:slug>/webhooks/<int:pk>/rotate-secret/",
        views.endpoint_rotate_secret,
        name="webhook_endpoint_rotate",
    ),
    path(
        "coordinate/<slug:slug>/webhooks/<int:pk>/ping/",
        views.endpoint_ping,
        name="webhook_endpoint_ping",
    ),
    path(
        "coordinate/<slug:slug>/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.delivery_redeliver,
        name="webhook_delivery_redeliver",
    ),
]
