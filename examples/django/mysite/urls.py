from django.urls import path

from mysite import views

# No static files here: Gatehouse serves /static/ from the release's collectstatic output.
urlpatterns = [
    path("", views.index),
    path("api/visits/", views.visits),
    path("health/", views.health),
]
