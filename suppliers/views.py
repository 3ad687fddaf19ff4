"""Supplier-side pages: registration, your organisation, invitations and the questionnaire."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from socialvalue.models import Council

from . import questions, services, sizing
from .access import supplier_view
from .forms import (
    AccountForm,
    ColleagueInvitationForm,
    JoinForm,
    OrganisationForm,
    QuestionnaireForm,
    SizeForm,
    SupplierDetailsForm,
)
from .models import Campaign, CampaignRecipient, CampaignResponse, Supplier, SupplierMember

User = get_user_model()
REGISTRATION = "supplier_registration"
RESEND_INTERVAL_SECONDS = 60


def add_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form: by field where it names one, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(request, form, title, *, back=None, caption=None, template="socialvalue/form_page.html", **extra):
    return render(request, template, {"form": form, "title": title, "back": back, "caption": caption, **extra})


# --------------------------------------------------------------------------- your organisation


@login_required
def supplier_home(request):
    """Your organisation: what needs doing (returns, tenders, opportunities), details and size, open
    questionnaires, and colleagues."""
    suppliers = list(
        Supplier.objects.visible_to(request.user)
        .acting_for(request.user)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=SupplierMember.objects.visible_to(request.user).select_related("user").order_by("user__email"),
            )
        )
    )
    if not suppliers:
        raise PermissionDenied  # only people acting for a supplier have an organisation page
    today = timezone.localdate()
    recipients = (
        CampaignRecipient.objects.visible_to(request.user)
        .filter(supplier__in=suppliers, campaign__opens_on__lte=today, campaign__closes_on__gte=today)
        .select_related("campaign__council")
    )
    answered = set(
        CampaignResponse.objects.visible_to(request.user)
        .filter(supplier__in=suppliers)
        .values_list("campaign_id", "supplier_id")
    )
    open_questionnaires = {}
    for r in recipients:
        open_questionnaires.setdefault(r.supplier_id, []).append(
            {"campaign": r.campaign, "answered": (r.campaign_id, r.supplier_id) in answered}
        )
    admin_of = set(Supplier.objects.administered_by(request.user).values_list("pk", flat=True))
    rows = [
        {
            "supplier": s,
            "is_admin": s.pk in admin_of,
            "size": s.size,
            "questionnaires": open_questionnaires.get(s.pk, []),
        }
        for s in suppliers
    ]
    from procurement.supplier_tasks import SHOWN, supplier_tasks

    return render(
        request, "suppliers/home.html", {"rows": rows, "tasks": supplier_tasks(request.user, suppliers), "shown": SHOWN}
    )


@supplier_view(admin=True)
def supplier_details_edit(request, supplier):
    instance = Supplier.objects.get(pk=supplier.pk)  # a failed form must not change the page header
    form = SupplierDetailsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_update(supplier=form.instance, by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Details saved. {form.instance.size.reason}")
            return redirect("supplier_home")
    return _form_page(
        request, form, "Change your organisation's details", back=reverse("supplier_home"), caption=supplier.name
    )


@supplier_view(admin=True)
def colleague_invite(request, supplier):
    form = ColleagueInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.supplier_invite_colleague(
                supplier=supplier, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("supplier_home")
    return _form_page(request, form, "Invite a colleague", back=reverse("supplier_home"), caption=supplier.name)


# --------------------------------------------------------------------------- registration


def _registration(request) -> dict:
    return request.session.get(REGISTRATION, {})


def _save_step(request, step: str, data: dict):
    registration = _registration(request)
    registration[step] = data
    request.session[REGISTRATION] = registration


def _jsonable(cleaned: dict) -> dict:
    out = {}
    for key, value in cleaned.items():
        if isinstance(value, Council):
            value = value.pk
        elif value is not None and not isinstance(value, bool | int | str):
            value = str(value)
        out[key] = value
    return out


def _invitation(registration):
    """The council invitation this registration came from, checked again (it may have been used)."""
    if not registration.get("invitation"):
        return None
    return services.invitation_from_token(registration["invitation_token"])


def register_start(request):
    return render(request, "suppliers/register_start.html", {})


def register_organisation(request):
    registration = _registration(request)
    show_council = not registration.get("invitation")
    initial = registration.get("organisation") or {}
    form = OrganisationForm(request.POST or None, initial=initial, show_council=show_council)
    if request.method == "POST" and form.is_valid():
        _save_step(request, "organisation", _jsonable(form.cleaned_data))
        return redirect("register_size")
    return _form_page(
        request, form, "Your organisation", back=reverse("register_start"), caption="Register your organisation"
    )


def register_size(request):
    registration = _registration(request)
    if "organisation" not in registration:
        return redirect("register_organisation")
    form = SizeForm(request.POST or None, initial=registration.get("size") or {})
    if request.method == "POST" and form.is_valid():
        _save_step(request, "size", _jsonable(form.cleaned_data))
        return redirect("register_size_result")
    return _form_page(
        request,
        form,
        "How big is your organisation?",
        back=reverse("register_organisation"),
        caption="Register your organisation",
        template="suppliers/register_size.html",
    )


def _size_result(registration):
    form = SizeForm(registration.get("size") or {})
    if not form.is_valid():
        return None
    return sizing.classify(
        headcount=form.cleaned_data["headcount"],
        turnover=form.cleaned_data["turnover"],
        balance_sheet=form.cleaned_data["balance_sheet_total"],
    )


def register_size_result(request):
    result = _size_result(_registration(request))
    if result is None:
        return redirect("register_size")
    return render(request, "suppliers/register_size_result.html", {"result": result, "back": reverse("register_size")})


def register_account(request):
    registration = _registration(request)
    if _size_result(registration) is None:
        return redirect("register_size")
    try:
        invitation = _invitation(registration)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("register_start")
    initial = {"email": invitation.email} if invitation else {}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        org_form = OrganisationForm(registration["organisation"], show_council=invitation is None)
        size_form = SizeForm(registration["size"])
        if not (org_form.is_valid() and size_form.is_valid()):
            messages.error(request, "Check your organisation's details again.")
            return redirect("register_organisation")
        organisation = {k: v for k, v in {**org_form.cleaned_data, **size_form.cleaned_data}.items() if k != "council"}
        try:
            supplier, user = services.supplier_register(
                organisation=organisation,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                council=org_form.cleaned_data.get("council"),
                invitation=invitation,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            request.session.pop(REGISTRATION, None)
            if user.is_active:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"{supplier.name} is registered.")
                return redirect("supplier_home")
            request.session["registration_pending_user"] = user.pk
            return redirect("register_check_email")
    return _form_page(
        request, form, "Your account", back=reverse("register_size_result"), caption="Register your organisation"
    )


def register_check_email(request):
    from .tasks import send_verification_email

    user = User.objects.filter(pk=request.session.get("registration_pending_user"), is_active=False).first()
    if user is None:
        return redirect("register_start")
    if request.method == "POST":
        # At most one resend a minute, so the button cannot be used to flood someone's inbox.
        now = timezone.now().timestamp()
        if now - request.session.get("verification_resent_at", 0) < RESEND_INTERVAL_SECONDS:
            messages.error(request, "We sent the link less than a minute ago. Check your email, or try again shortly.")
        else:
            request.session["verification_resent_at"] = now
            send_verification_email.delay(user.pk)
            messages.success(request, f"We have sent the link to {user.email} again.")
        return redirect("register_check_email")
    return render(request, "suppliers/register_check_email.html", {"pending": user})


def register_verify(request, uidb64, token):
    try:
        user = services.email_verify(uidb64=uidb64, token=token)
    except ValidationError as exc:
        return render(request, "suppliers/register_verify_failed.html", {"message": exc.messages[0]}, status=400)
    request.session.pop("registration_pending_user", None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your email address is confirmed and your organisation is registered.")
    return redirect("supplier_home")


def invitation_accept(request, token):
    """Follow an emailed invitation: to register an organisation, or to join a colleague's."""
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as exc:
        return render(request, "suppliers/register_verify_failed.html", {"message": exc.messages[0]}, status=400)
    if not invitation.is_colleague_invitation:
        request.session[REGISTRATION] = {
            "invitation": invitation.pk,
            "invitation_token": token,
            "organisation": {"name": invitation.organisation_name},
        }
        messages.success(request, f"{invitation.council} has invited you to register. Start with your organisation.")
        return redirect("register_organisation")
    signed_in = request.user.is_authenticated
    form = None if signed_in else JoinForm(request.POST or None)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = services.invitation_accept(
                invitation=invitation,
                user=request.user if signed_in else None,
                full_name="" if signed_in else form.cleaned_data["full_name"],
                password="" if signed_in else form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            if form is None:
                messages.error(request, exc.messages[0])
                return redirect("invitation_accept", token=token)
            add_errors(form, exc)
        else:
            if not signed_in:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"You now act for {invitation.supplier}.")
            return redirect("supplier_home")
    return render(request, "suppliers/invitation_accept.html", {"invitation": invitation, "form": form})


# --------------------------------------------------------------------------- the questionnaire


def _campaign_for(request, supplier, campaign_pk) -> Campaign:
    campaigns = (
        Campaign.objects.visible_to(request.user).filter(recipients__supplier=supplier).select_related("council")
    )
    return get_object_or_404(campaigns, pk=campaign_pk)


def _own_response(request, supplier, campaign):
    return CampaignResponse.objects.visible_to(request.user).filter(campaign=campaign, supplier=supplier).first()


@supplier_view()
def questionnaire(request, supplier, campaign):
    campaign = _campaign_for(request, supplier, campaign)
    response = _own_response(request, supplier, campaign)
    return render(
        request,
        "suppliers/questionnaire.html",
        {
            "supplier": supplier,
            "campaign": campaign,
            "response": response,
            "rows": questions.answer_rows(campaign.questions, response.answers) if response else None,
            "is_open": campaign.is_open(),
            "status": campaign.status(),
            "back": reverse("supplier_home"),
        },
    )


@supplier_view()
def questionnaire_answer(request, supplier, campaign):
    campaign = _campaign_for(request, supplier, campaign)
    response = _own_response(request, supplier, campaign)
    back = reverse("questionnaire", kwargs={"supplier": supplier.pk, "campaign": campaign.pk})
    if not campaign.is_open():
        messages.error(
            request, f"This questionnaire is {campaign.status().lower()}: answers cannot be given or changed."
        )
        return redirect(back)
    initial = {**response.answers, "consent": True} if response else {}
    form = QuestionnaireForm(
        request.POST or None, initial=initial, schema=campaign.questions, privacy_notice=campaign.privacy_notice
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                campaign=campaign,
                supplier=supplier,
                answers=form.answers(),
                consent=form.cleaned_data["consent"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Your answers are saved. You can change or withdraw them until the questionnaire closes."
            )
            return redirect(back)
    return _form_page(
        request,
        form,
        campaign.title,
        back=back,
        caption=f"{supplier.name} – {campaign.council.name}",
        template="suppliers/questionnaire_form.html",
        campaign=campaign,
    )


@supplier_view()
def questionnaire_withdraw(request, supplier, campaign):
    campaign = _campaign_for(request, supplier, campaign)
    back = reverse("questionnaire", kwargs={"supplier": supplier.pk, "campaign": campaign.pk})
    if request.method == "POST":
        try:
            services.response_withdraw(campaign=campaign, supplier=supplier, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "Your answers have been withdrawn and deleted.")
        return redirect(back)
    if _own_response(request, supplier, campaign) is None:
        return redirect(back)
    return render(
        request, "suppliers/questionnaire_withdraw.html", {"supplier": supplier, "campaign": campaign, "back": back}
    )
