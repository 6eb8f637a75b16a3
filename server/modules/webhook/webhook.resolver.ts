import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { requireId } from '../../common/access';
import { ConnectionArgs } from '../../common/connection';
import { paginate } from '../../common/paginate';
import { Transactional } from '../../common/transaction';
import { Role, type Viewer } from '../viewer/viewer';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entities';
import {
  WebhookDeliveryConnection,
  WebhookDeliveryFilter,
  WebhookDeliveryPayload,
  WebhookDeliveryRedeliverInput,
  WebhookEndpointConnection,
  WebhookEndpointCreateInput,
  WebhookEndpointIdInput,
  WebhookEndpointPayload,
  WebhookEndpointUpdateInput,
} from './webhook.types';

const staffIdOf = (viewer: Viewer) => (viewer.kind === 'staff' ? viewer.staffId : '');
const endpointId = (id: string) => requireId(id, 'WebhookEndpoint', ['input', 'endpointId']);

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Authorized(Role.ADMIN)
  @Query(() => WebhookEndpointConnection, { description: 'Admins: the webhook endpoints, newest first.' })
  webhookEndpoints(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    return paginate(ctx.em, WebhookEndpoint, {}, args, [{ createdAt: 'desc', id: 'desc' }]);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its deliveries, newest first.' })
  deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true }) filter: WebhookDeliveryFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    return paginate(ctx.em, WebhookDelivery, { endpoint: endpoint.id, ...(filter?.status ? { status: filter.status } : {}) }, args, [
      { createdAt: 'desc', id: 'desc' },
    ]);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: 'Admins: register an endpoint. Its signing secret is returned once.' })
  @Transactional(WebhookEndpointPayload)
  webhookEndpointCreate(@Arg('input', () => WebhookEndpointCreateInput) input: WebhookEndpointCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.webhooks.create(input, staffIdOf(ctx.viewer));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: 'Admins: change, disable or re-enable an endpoint.' })
  @Transactional(WebhookEndpointPayload, { into: 'endpoint' })
  webhookEndpointUpdate(@Arg('input', () => WebhookEndpointUpdateInput) input: WebhookEndpointUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.webhooks.update(endpointId(input.endpointId), input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: 'Admins: a new signing secret, returned once; the old one stops at once.' })
  @Transactional(WebhookEndpointPayload)
  webhookEndpointRotateSecret(@Arg('input', () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: AppContext) {
    return ctx.services.webhooks.rotateSecret(endpointId(input.endpointId));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: 'Admins: delete an endpoint and its delivery history.' })
  @Transactional(WebhookEndpointPayload, { into: 'endpoint' })
  webhookEndpointDelete(@Arg('input', () => WebhookEndpointIdInput) input: WebhookEndpointIdInput, @Ctx() ctx: AppContext) {
    return ctx.services.webhooks.delete(endpointId(input.endpointId));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Its attempts, oldest first (the last 100).' })
  async attempts(@Root() delivery: WebhookDelivery, @Ctx() ctx: AppContext) {
    const latest = await ctx.em.find(WebhookAttempt, { delivery: delivery.id }, { orderBy: { attemptedAt: 'desc', id: 'desc' }, limit: 100 });
    return latest.reverse();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookDeliveryPayload, { description: 'Admins: send a delivery again (same id and body), with a fresh 24 hours of retries.' })
  @Transactional(WebhookDeliveryPayload, { into: 'delivery' })
  webhookDeliveryRedeliver(@Arg('input', () => WebhookDeliveryRedeliverInput) input: WebhookDeliveryRedeliverInput, @Ctx() ctx: AppContext) {
    return ctx.services.webhooks.redeliver(requireId(input.deliveryId, 'WebhookDelivery', ['input', 'deliveryId']));
  }
}
