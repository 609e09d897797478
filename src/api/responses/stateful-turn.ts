import { errors } from '../../errors/codes.js';
import { type StoredItemsJson, type StoredResponse, storedItems } from '../../store/store.js';
import type { ClientCodec, ClientStreamEncoder, EncodeContext } from '../../translate/contract.js';
import { responsesClientCodec } from '../../translate/responses/codec.js';
import { itemIds, type ListedItem, listedItems } from '../../translate/responses/listed-items.js';
import { ResponsesStreamEncoder } from '../../translate/responses/stream-to-client.js';
import type { ResponseObject } from '../../translate/responses/wire.js';
import type { Exchange } from '../shared/exchange.js';
import { translatesOffThread, withFields } from '../shared/large-body.js';

/**
 * What a Responses request becomes once the gateway's stored state is applied: with `previous_response_id`,
 * the stored chain (its input items, then its output) goes before the new input, so whichever provider serves
 * the turn gets the whole conversation (upstreams are always called statelessly). With storing on, the codec
 * hands the finished Response to the store. A request with `store: false` and no previous id passes untouched.
 */
export interface StatefulTurn {
  body: Readonly<Record<string, unknown>>;
  codec: ClientCodec;
  /** Nothing stored and no chain: the turn needs no gateway state, so a provider's own Responses API may serve it. */
  stateless?: true;
  /** A large input to list on the parser thread, with the ids' stem: `items.utf8` is to be set to the listing. */
  listed?: { items: StoredItemsJson; stem: string } | undefined;
}

type Body = Readonly<Record<string, unknown>>;

export async function statefulTurn(exchange: Exchange, body: Body): Promise<StatefulTurn> {
  const settings = exchange.snapshot.config.responses;
  const storing = settings.store && body.store !== false;
  const previousId = body.previous_response_id;
  const chained = previousId !== undefined && previousId !== null;
  // A conversation id names state at one provider, which no fallback target could continue: such a turn is
  // never passed through, so the translation refuses `conversation` (the gateway keeps no conversations).
  const conversation = body.conversation !== undefined && body.conversation !== null;
  if (!storing && !chained && !conversation) {
    // The echo must not claim a store the config turned off.
    return {
      body: body.store === true ? withFields(body, { store: false }) : body,
      codec: responsesClientCodec,
      stateless: true,
    };
  }
  if (chained && typeof previousId !== 'string') {
    throw errors.invalidBody("'previous_response_id' must be a string", 'previous_response_id');
  }
  if (chained && !settings.store) {
    throw errors.invalidBody(
      'previous_response_id is not supported: this gateway is set to keep no responses (responses.store: false); send the full conversation in input instead',
      'previous_response_id',
    );
  }
  // Checked on its own first, so a fault in the new input is named by its own index (input[0], not input[7]);
  // the carried items passed the same check when they were stored. Without new input the chain alone is sent.
  if (chained && body.input !== undefined && body.input !== null) responsesClientCodec.parseRequest(body);
  const scope = exchange.clientScope ?? '';
  // Unchained, the input goes as sent: a large body then stays unparsed here and is translated on the worker.
  const expanded = chained ? undefined : withFields(body, { store: storing });
  let inputItems: StoredResponse['inputItems'];
  let listed: StatefulTurn['listed'];
  if (expanded && translatesOffThread(body)) {
    // Nor does it list a large input here: the parser thread does as it checks the request (see responses.ts),
    // and the items are kept as that JSON, in bytes.
    inputItems = { utf8: new Uint8Array(0) };
    listed = { items: inputItems, stem: idStem(exchange) };
  } else {
    const ownItems = listedItems(body.input, itemIds(idStem(exchange)));
    let carried: ListedItem[] = [];
    if (chained) {
      const previous = await exchange.services.responses.get(previousId as string, scope);
      if (!previous) throw errors.previousResponseNotFound(previousId as string);
      carried = [...storedItems(previous.inputItems), ...outputOf(previous.response)];
    }
    inputItems = [...carried, ...ownItems];
  }
  const turnBody = expanded ?? { ...body, input: inputItems, store: storing };
  if (!storing) return { body: turnBody, codec: responsesClientCodec, listed };
  const onFinished = (response: ResponseObject) => {
    if (response.status !== 'completed' && response.status !== 'incomplete') return;
    exchange.services.responses.save({
      id: response.id,
      clientScope: scope,
      createdAt: exchange.time,
      previousResponseId: chained ? (previousId as string) : null,
      response: response as unknown as Record<string, unknown>,
      inputItems,
    });
  };
  return { body: turnBody, codec: storingCodec(onFinished), listed };
}

function outputOf(response: Record<string, unknown>): ListedItem[] {
  const output = response.output;
  return Array.isArray(output) ? (output as ListedItem[]) : [];
}

/** The stem of the ids of input items the client sent without one: the request id's, like the answer's own ids. */
function idStem(exchange: Exchange): string {
  return exchange.id.slice('req_'.length);
}

/** The Responses codec, telling `onFinished` about every Response it completes, streamed or not. */
function storingCodec(onFinished: (response: ResponseObject) => void): ClientCodec {
  return {
    ...responsesClientCodec,
    encodeResponse(response, context) {
      const encoded = responsesClientCodec.encodeResponse(response, context);
      onFinished(encoded as unknown as ResponseObject);
      return encoded;
    },
    streamEncoder: (context: EncodeContext): ClientStreamEncoder => {
      const encoder = new ResponsesStreamEncoder(context);
      let saved = false;
      return {
        encode(event) {
          const text = encoder.encode(event);
          const finished = encoder.finished;
          if (finished && !saved) {
            saved = true;
            onFinished(finished);
          }
          return text;
        },
      };
    },
  };
}
