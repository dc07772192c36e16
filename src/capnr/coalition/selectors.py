from django.db.models import Prefetch, QuerySet

from capnr.organisations import tenancy
from capnr.organisations.models import Organisation, User

from .models import Coalition, Cohort


def coalitions_facilitated_by(user: User) -> QuerySet[Coalition]:
    """The coalitions ``user`` facilitates, with their cohorts and organisations prefetched."""
    return (
        tenancy.coalitions_facilitated_by(user)
        .prefetch_related(
            Prefetch(
                "cohorts",
                queryset=Cohort.objects.order_by("-year", "name").prefetch_related(
                    Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
                ),
            )
        )
        .order_by("name")
    )
