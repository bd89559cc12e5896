"""messageTemplate/v1/{create,update,get,list,kinds,preview}: each association's wording of its letters."""

from __future__ import annotations

from domains.communications.models import MessageTemplate, TemplateKind
from domains.communications.schemas import (
    MessagePreview,
    MessageTemplateConnection,
    MessageTemplateCreateInput,
    MessageTemplateGetInput,
    MessageTemplateListInput,
    MessageTemplatePreviewInput,
    MessageTemplateRead,
    MessageTemplateUpdateInput,
    TemplateKindInfo,
    TemplateKindList,
    TemplateKindsInput,
    TemplateVariable,
)
from domains.communications.service import previews, templates
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "messageTemplate/v1/create",
    input=MessageTemplateCreateInput,
    output=MessageTemplateRead,
    kind="message_template",
    action="create",
    summary="Write an association's template for a kind of letter",
)
async def create_template(ctx: OperationContext, data: MessageTemplateCreateInput) -> MessageTemplateRead:
    """Replace the platform's default wording of one kind of letter for the
    association (version 1). Checked now, not when a letter goes out: a template
    that does not parse is TEMPLATE_INVALID, one reading a variable its kind does
    not have is TEMPLATE_UNKNOWN_VARIABLE (listing them and the kind's variables).
    One template per kind (TEMPLATE_KIND_TAKEN: update it)."""
    row = await templates.create(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"kind": row.kind.value}
    return MessageTemplateRead.model_validate(row)


@operation(
    "messageTemplate/v1/update",
    input=MessageTemplateUpdateInput,
    output=MessageTemplateRead,
    kind="message_template",
    action="update",
    target=MessageTemplate,
    summary="Change a template",
)
async def update_template(ctx: OperationContext, data: MessageTemplateUpdateInput) -> MessageTemplateRead:
    """A new version of the template (checked as on create: TEMPLATE_INVALID,
    TEMPLATE_UNKNOWN_VARIABLE). Messages already written keep the version they
    were rendered from."""
    row: MessageTemplate = ctx.target
    ctx.audit_summary = {"changed": await templates.update(ctx.session, row, data, actor(ctx)), "version": row.version}
    return MessageTemplateRead.model_validate(row)


@operation(
    "messageTemplate/v1/get",
    input=MessageTemplateGetInput,
    output=MessageTemplateRead,
    kind="message_template",
    action="read",
    target=MessageTemplate,
    mutates=False,
    summary="Read a template",
)
async def get_template(ctx: OperationContext, data: MessageTemplateGetInput) -> MessageTemplateRead:
    """One template, its current version."""
    return MessageTemplateRead.model_validate(ctx.target)


@operation(
    "messageTemplate/v1/list",
    input=MessageTemplateListInput,
    output=MessageTemplateConnection,
    kind="message_template",
    action="list",
    mutates=False,
    graphql_name="messageTemplates",
    summary="List an association's templates",
)
async def list_templates(ctx: OperationContext, data: MessageTemplateListInput) -> MessageTemplateConnection:
    """The association's own templates, by kind (a kind without one uses the platform's default)."""
    rows, page = await templates.template_page(ctx.session, data, await ctx.visible("message_template", "read", MessageTemplate))
    return as_connection(MessageTemplateConnection, rows, page)


@operation(
    "messageTemplate/v1/kinds",
    input=TemplateKindsInput,
    output=TemplateKindList,
    kind="message_template",
    action="kinds",
    mutates=False,
    graphql_name="messageTemplateKinds",
    summary="The kinds of letter, their variables and default wording",
)
async def kinds(ctx: OperationContext, data: TemplateKindsInput) -> TemplateKindList:
    """Every kind of letter with the variables its templates may read and the platform's default wording."""
    return TemplateKindList(
        kinds=[
            TemplateKindInfo(
                kind=kind,
                variables=[
                    TemplateVariable(name=f"{name}.{attr}", description=text)
                    for name, attrs in templates.VARIABLES[kind].items()
                    for attr, text in attrs.items()
                ],
                default_subject=templates.DEFAULTS[kind][0],
                default_body=templates.DEFAULTS[kind][1],
            )
            for kind in TemplateKind
        ]
    )


@operation(
    "messageTemplate/v1/preview",
    input=MessageTemplatePreviewInput,
    output=MessagePreview,
    kind="message_template",
    action="preview",
    mutates=False,
    summary="Render a letter for a real recipient",
)
async def preview(ctx: OperationContext, data: MessageTemplatePreviewInput) -> MessagePreview:
    """The letter as it would go out: a draft given here (checked as a save
    would: TEMPLATE_INVALID, TEMPLATE_UNKNOWN_VARIABLE) or the wording in force,
    rendered with the association's, the recipient's and their unit's real data
    (a recipient with no current ownership in the association: NO_RECIPIENTS),
    and for a meeting notice with the named meeting's. `samples` lists what was
    filled with sample values. Nothing is sent or written."""
    return await previews.preview(ctx.session, data)
