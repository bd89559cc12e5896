"""GraphQL types of the webhooks domain."""

from __future__ import annotations

from domains.webhooks.schemas import WebhookDeliveryRead, WebhookEndpointRead
from graph.gqltypes import extend, output_type, to_one


@extend(WebhookDeliveryRead)
class WebhookDeliveryRelations:
    endpoint = to_one("The endpoint it goes to.")


WebhookEndpointType = output_type(WebhookEndpointRead)
