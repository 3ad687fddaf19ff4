import factory

from socialvalue.tests.factories import UserFactory
from suppliers.models import Supplier, SupplierMember


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")


class SupplierMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierMember

    supplier = factory.SubFactory(SupplierFactory)
    user = factory.SubFactory(UserFactory)
    is_admin = True
