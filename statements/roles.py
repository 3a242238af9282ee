"""Who may do what: the three editorial roles are Django groups with these permissions.

Translators hold no `edit_any_language` permission, so they edit only the languages
on their StaffProfile. Superusers may do everything.
"""

EDITOR, TRANSLATOR, PUBLISHER = "Editor", "Translator", "Publisher"

_CONTENT_MODELS = ["statement", "participation", "person", "role", "appointment", "topic", "country", "image"]
_EDIT = ["add", "change", "view"]
# Signed editions and the log are read in the admin by editors and publishers.
_SIGNED = ["view_edition", "view_signingkey", "view_checkpoint", "view_witness"]
# Email alerts: publishers see counts per list, the runs and the suppression list (and may
# suppress an address); only superusers see addresses.
_ALERTS = ["view_alertlist", "view_alertrun", "view_suppression", "add_suppression"]
# Quotes are edited with the version's text (an inline), by whoever may edit the text.
_QUOTES = ["add_quote", "change_quote", "delete_quote", "view_quote"]

GROUP_PERMISSIONS = {
    EDITOR: [
        *(f"{action}_{model}" for model in _CONTENT_MODELS for action in _EDIT),
        "add_translation",
        "change_translation",
        "view_translation",
        "edit_any_language",
        "view_revision",
        "view_auditentry",
        "add_previewlink",
        "view_previewlink",
        "view_administration",
        *_QUOTES,
        *_SIGNED,
    ],
    TRANSLATOR: [
        *(f"view_{model}" for model in _CONTENT_MODELS),
        "add_translation",
        "change_translation",
        "view_translation",
        "view_revision",
        *_QUOTES,
    ],
    PUBLISHER: [
        *(f"{action}_{model}" for model in _CONTENT_MODELS for action in _EDIT),
        "add_translation",
        "change_translation",
        "view_translation",
        "edit_any_language",
        "publish_translation",
        "view_revision",
        "view_auditentry",
        "add_previewlink",
        "change_previewlink",
        "view_previewlink",
        *_SIGNED,
        *_ALERTS,
        *_QUOTES,
        # History mode: publishers keep the administrations.
        "add_administration",
        "change_administration",
        "view_administration",
    ],
}


def translator_languages(user) -> list[str]:
    profile = getattr(user, "staff_profile", None)
    return list(profile.languages) if profile else []


def may_edit_language(user, language: str) -> bool:
    if user.has_perm("statements.edit_any_language"):
        return True
    return language in translator_languages(user)


def is_publisher(user) -> bool:
    return user.has_perm("statements.publish_translation")
