// The bench's EventStoreDB workloads through the official Node client (@eventstore/db-client, installed by
// tools/bench.sh --store eventstoredb), so each figure of OrderLedger's own client has a baseline from the same server
// in the same run. Prints one number on stdout: events per second.
//   node tools/esdb-official-client.js append   <connection> <events> <batch> <writers> <stream-prefix>
//   node tools/esdb-official-client.js read-all <connection> <events>
//   node tools/esdb-official-client.js catch-up <connection> <events>
"use strict";
const { EventStoreDBClient, jsonEvent, START, FORWARDS, ANY, excludeSystemEvents } = require("@eventstore/db-client");

async function append(client, total, batch, writers, prefix) {
  const perWriter = Math.ceil(total / batch / writers);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) {
      const events = Array.from({ length: batch }, (_, n) => jsonEvent({ type: "bench-appended", data: { writer: w, n: i * batch + n } }));
      await client.appendToStream(`${prefix}-${w}`, events, { expectedRevision: ANY });
    }
  }));
  return (perWriter * batch * writers) / seconds(started);
}

async function readAll(client, total) {
  const started = process.hrtime.bigint();
  let seen = 0;
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START, maxCount: total * 2 })) {
    if (resolved.event && !resolved.event.type.startsWith("$") && ++seen >= total) break;
  }
  return seen / seconds(started);
}

async function catchUp(client, total) {
  const started = process.hrtime.bigint();
  let seen = 0;
  const subscription = client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
  for await (const resolved of subscription) {
    if (resolved.event && ++seen >= total) break;
  }
  await subscription.unsubscribe();
  return seen / seconds(started);
}

function seconds(started) {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main() {
  const [workload, connection, events, batch, writers, prefix] = process.argv.slice(2);
  const total = Number(events);
  if (!connection || !Number.isInteger(total) || total <= 0) {
    console.error("esdb-official-client: usage: append|read-all|catch-up <connection> <events> [batch writers prefix]");
    process.exit(2);
  }

  const client = EventStoreDBClient.connectionString(connection);
  try {
    const rate = workload === "append" ? await append(client, total, Number(batch), Number(writers), prefix)
      : workload === "read-all" ? await readAll(client, total)
      : workload === "catch-up" ? await catchUp(client, total)
      : null;
    if (rate === null) {
      console.error(`esdb-official-client: unknown workload '${workload}'`);
      process.exit(2);
    }
    console.log(rate.toFixed(1));
  } finally {
    await client.dispose();
  }
}

main().catch((error) => {
  console.error(`esdb-official-client: ${error.message}`);
  process.exit(1);
});
