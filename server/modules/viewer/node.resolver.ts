import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Node } from '../../common/node';
import { loadNodes } from './nodes';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Fetch any object by its global ID; null when it does not exist or is not yours.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext) {
    return (await loadNodes(ctx.em, ctx.viewer, [id]))[0];
  }

  @Query(() => [Node], { nullable: 'items', description: 'Fetch up to 100 objects by global ID, in the order asked.' })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: AppContext) {
    if (ids.length > 100) throw new GraphQLError('Ask for at most 100 ids at a time.', { extensions: { code: 'BAD_USER_INPUT' } });
    return loadNodes(ctx.em, ctx.viewer, ids);
  }
}
