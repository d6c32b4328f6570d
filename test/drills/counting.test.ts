// The pure parts of the drills: the message ledger's arithmetic, outage windows from probe samples,
// and the parsers for rabbitmqctl and HAProxy output (on samples of their real output).
import { describe, expect, it } from 'vitest';
import {
  hostOfNode,
  nodesInList,
  nodesInPids,
  parseAtomList,
  parseQueueLocations,
} from '../../lab/drills/cluster-view';
import { parseShowStat } from '../../lab/drills/haproxy-stats';
import { longestGap } from '../../lab/drills/load-client';
import { MessageLedger } from '../../lab/drills/message-ledger';
import { summarize } from '../../lab/drills/tcp-probe';

describe('MessageLedger', () => {
  it('counts lost, duplicate, republished and unconfirmed messages exactly', () => {
    const l = new MessageLedger(0);
    for (let id = 0; id < 10; id++) l.recordPublish(id, id * 10);
    l.recordPublish(3, 150); // republished after a connection loss
    for (const id of [0, 1, 2, 3, 4, 5, 6, 7]) l.recordConfirm(id, 200);
    l.recordConfirm(3, 210); // the republished copy confirmed too: still one message
    for (const id of [0, 1, 2, 3, 3, 4, 5, 8, 8, 8]) l.recordDelivery(id, 300);
    expect(l.counts()).toEqual({
      published: 10,
      republished: 1,
      confirmed: 8,
      unconfirmed: 2,
      consumed: 7, // 0 1 2 3 4 5 8
      duplicates: 3, // 3 once more, 8 twice more
      lost: 2, // 6 and 7: confirmed, never delivered
      consumedUnconfirmed: 1, // 8: its confirm was lost, the message was not
    });
    expect(l.lostIds()).toEqual([6, 7]);
    expect(l.outstanding()).toBe(2);
  });

  it('refuses a confirm for a message never published (a bookkeeping bug, not a broker fault)', () => {
    expect(() => new MessageLedger(0).recordConfirm(1, 0)).toThrow(/never published/);
  });

  it('buckets events per 100 ms from the start', () => {
    const l = new MessageLedger(1_000);
    l.recordPublish(0, 1_000);
    l.recordPublish(1, 1_099);
    l.recordPublish(2, 1_100);
    l.recordConfirm(2, 1_350);
    const t = l.timeline();
    expect(t.bucketMs).toBe(100);
    expect(t.published).toEqual([2, 1, 0, 0]);
    expect(t.confirmed).toEqual([0, 0, 0, 1]);
    expect(t.consumed).toEqual([0, 0, 0, 0]);
  });

  it('finds the longest gap between the first and last non-empty bucket', () => {
    expect(longestGap([0, 0, 5, 0, 0, 0, 3, 0, 1, 0, 0])).toBe(3);
    expect(longestGap([0, 0])).toBe(0);
    expect(longestGap([4, 4])).toBe(0);
  });
});

describe('TCP probe outages', () => {
  const s = (t: number, ok: boolean) => ({ t, ok, ms: 1 });
  it('measures from the first failed attempt to the next one that connects', () => {
    const r = summarize('10.0.0.1', 5672, 50, [
      s(0, true),
      s(50, true),
      s(150, false),
      s(100, false),
      s(200, false),
      s(250, true),
      s(300, false),
      s(350, true),
    ]);
    expect(r.outages).toEqual([
      { startMs: 100, endMs: 250, durationMs: 150, failedProbes: 3 },
      { startMs: 300, endMs: 350, durationMs: 50, failedProbes: 1 },
    ]);
    expect(r.longestOutageMs).toBe(150);
    expect(r.endedDown).toBe(false);
  });
  it('reports an endpoint that never came back', () => {
    const r = summarize('h', 1, 50, [s(0, true), s(50, false), s(100, false)]);
    expect(r.endedDown).toBe(true);
    expect(r.outages).toEqual([{ startMs: 50, endMs: 100, durationMs: 50, failedProbes: 2 }]);
  });
});

describe('rabbitmqctl output', () => {
  it('reads Erlang atom lists as rabbitmqctl eval prints them', () => {
    expect(parseAtomList("['rabbit@rabbit-01','rabbit@rabbit-02',\n 'rabbit@rabbit-03']\n")).toEqual([
      'rabbit@rabbit-01',
      'rabbit@rabbit-02',
      'rabbit@rabbit-03',
    ]);
    expect(parseAtomList('[]\n')).toEqual([]);
    expect(parseAtomList('[rabbit@localhost]')).toEqual(['rabbit@localhost']);
  });
  it('finds master and mirror nodes in list_queues pid columns', () => {
    const text =
      'warren-q\t<rabbit@rabbit-02.1656346411.4015.0>\t[<rabbit@rabbit-01.1656346399.1290.0>, <rabbit@rabbit-03.1656346420.987.0>]\t[<rabbit@rabbit-03.1656346420.987.0>]\n' +
      'other\t<rabbit@rabbit-01.1.2.0>\t[]\t[]\n';
    expect(parseQueueLocations(text)).toEqual([
      {
        name: 'warren-q',
        master: 'rabbit@rabbit-02',
        mirrors: ['rabbit@rabbit-01', 'rabbit@rabbit-03'],
        synchronisedMirrors: ['rabbit@rabbit-03'],
      },
      { name: 'other', master: 'rabbit@rabbit-01', mirrors: [], synchronisedMirrors: [] },
    ]);
    expect(nodesInPids('')).toEqual([]);
    expect(nodesInList('[rabbit@rabbit-02, rabbit@rabbit-01, rabbit@rabbit-03]')).toEqual([
      'rabbit@rabbit-02',
      'rabbit@rabbit-01',
      'rabbit@rabbit-03',
    ]);
    expect(nodesInList('[]')).toEqual([]);
    expect(hostOfNode('rabbit@rabbit-02')).toBe('rabbit-02');
  });
});

describe('HAProxy show stat', () => {
  it('returns the servers of each backend with their status', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'amqp,FRONTEND,,,1,2,20000,3,0,0,0,0,0,,,,,OPEN,',
      'rabbitmq-amqp,rabbit-01,0,0,1,1,,1,0,0,,0,,0,0,0,0,UP,1',
      'rabbitmq-amqp,rabbit-02,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1',
      'rabbitmq-amqp,rabbit-03,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,1',
      'rabbitmq-amqp,BACKEND,0,0,1,1,2000,1,0,0,0,0,,0,0,0,0,UP,2',
      '',
    ].join('\n');
    expect(parseShowStat(csv)).toEqual([
      { backend: 'rabbitmq-amqp', server: 'rabbit-01', status: 'UP' },
      { backend: 'rabbitmq-amqp', server: 'rabbit-02', status: 'DOWN' },
      { backend: 'rabbitmq-amqp', server: 'rabbit-03', status: 'UP 1/2' },
    ]);
    expect(() => parseShowStat('Unknown command\n')).toThrow(/not HAProxy/);
  });
});
