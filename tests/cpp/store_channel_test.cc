// The replication channel's state machines (src/store/channel_*.hh,
// ZEEK-WIRE.md §6.3): one producer and N consumers wired through an
// in-memory network whose losses each test controls (store_channel_sim.hh).
// Time is simulated ticks; nothing sleeps.

#include <gtest/gtest.h>

#include <random>

#include "store_channel_sim.hh"

using namespace channel_sim;

namespace {

std::vector<ch::failure> failures(ch::failure x) {
  return {x};
}

} // namespace

// -- settings -----------------------------------------------------------------

TEST(StoreChannelSettings, UpstreamDefaultsAndNames) {
  ch::settings cfg;
  EXPECT_EQ(cfg.tick_interval, std::chrono::milliseconds{100});
  EXPECT_EQ(cfg.heartbeat_interval, 5);
  EXPECT_EQ(cfg.nack_timeout, 2);
  EXPECT_EQ(cfg.connection_timeout_factor, 100);
  EXPECT_EQ(cfg.connection_timeout(), 500u); // 50 s of 100 ms ticks
  EXPECT_EQ(ch::settings::tick_interval_key, "broker.store.tick-interval");
  EXPECT_EQ(ch::settings::heartbeat_interval_key,
            "broker.store.heartbeat-interval");
  EXPECT_EQ(ch::settings::nack_timeout_key, "broker.store.nack-timeout");
  EXPECT_EQ(ch::settings::connection_timeout_key,
            "broker.store.connection-timeout");
}

TEST(StoreChannelSettings, ZeroIntervalsCountAsOne) {
  ch::settings cfg;
  cfg.heartbeat_interval = 0;
  cfg.nack_timeout = 0;
  cfg.connection_timeout_factor = 0;
  auto fixed = cfg.sanitized();
  EXPECT_EQ(fixed.heartbeat_interval, 1);
  EXPECT_EQ(fixed.nack_timeout, 1);
  EXPECT_EQ(fixed.connection_timeout(), 1u);
}

// -- master → clones --------------------------------------------------------

TEST(StoreChannel, SequenceNumbersStartAtTwo) {
  network net;
  EXPECT_EQ(net.producer.state.seq(), 1u);
  auto& c1 = net.add_consumer("c1");
  auto hs = handshakes(net, "c1");
  ASSERT_EQ(hs.size(), 1u);
  EXPECT_EQ(hs[0].offset, 1u);
  EXPECT_EQ(hs[0].heartbeat_interval, 5);
  net.produce();
  auto* pk = net.last<ch::event<payload>>();
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(get<ch::event<payload>>(*pk)->seq, 2u);
  EXPECT_TRUE(pk->broadcast);
  EXPECT_EQ(c1.delivered, events(2, 2));
}

TEST(StoreChannel, InOrderDeliveryToAllConsumers) {
  network net;
  for (auto name : {"c1", "c2", "c3"})
    net.add_consumer(name);
  net.produce(50);
  for (auto& c : net.consumers) {
    EXPECT_EQ(c->delivered, events(2, 51)) << c->name;
    EXPECT_TRUE(c->failures.empty());
  }
  EXPECT_EQ(net.count<ch::retransmit_failed>(), 0u);
}

TEST(StoreChannel, LostEventRecoveredByNackAfterTimeout) {
  network net;
  auto& c1 = net.add_consumer("c1");
  auto& c2 = net.add_consumer("c2");
  net.drop = lose_event_once("c1", 3);
  net.produce(3);
  EXPECT_EQ(c1.delivered, events(2, 2));
  EXPECT_EQ(c1.state.buffered(), 1u);
  EXPECT_EQ(c2.delivered, events(2, 4));
  net.tick();
  EXPECT_TRUE(gap_nacks(net, "c1").empty()) << "gap younger than the timeout";
  net.tick();
  ASSERT_EQ(gap_nacks(net, "c1"), (std::vector<std::vector<uint64_t>>{{3}}));
  EXPECT_EQ(c1.delivered, events(2, 4));
  EXPECT_EQ(c1.state.buffered(), 0u);
  // The retransmission went to c1 alone.
  auto* pk = net.last<ch::event<payload>>();
  EXPECT_EQ(get<ch::event<payload>>(*pk)->seq, 3u);
  EXPECT_FALSE(pk->broadcast);
  EXPECT_EQ(c2.delivered, events(2, 4));
}

TEST(StoreChannel, UnrecoverableGapReportsFailure) {
  network net;
  auto& c1 = net.add_consumer("c1");
  net.add_consumer("c2");
  net.produce();
  // c1 loses event 3 and can no longer reach the producer.
  auto lose3 = lose_event_once("c1", 3);
  net.drop = [&](const packet& pk) { return pk.from == "c1" || lose3(pk); };
  net.produce(2);
  net.tick(timeout);
  EXPECT_EQ(net.producer.dropped, std::vector<handle>{"c1"});
  EXPECT_EQ(net.producer.state.buffered(), 0u) << "c2 acked everything";
  EXPECT_TRUE(c1.failures.empty());
  // Its NACK now gets through, but event 3 is gone.
  net.drop = nullptr;
  net.tick(ch::settings{}.nack_timeout);
  EXPECT_EQ(net.count<ch::retransmit_failed>("c1"), 1u);
  EXPECT_EQ(c1.failures, failures(ch::failure::retransmit_failed));
  EXPECT_EQ(c1.state.current_state(), consumer_type::state::failed);
  EXPECT_EQ(c1.delivered, events(2, 2));
  // A fresh attach starts after the producer's current sequence number.
  c1.state.attach();
  net.run();
  EXPECT_TRUE(c1.state.running());
  EXPECT_EQ(c1.state.next_seq(), 5u);
  net.produce();
  EXPECT_EQ(c1.delivered.back(), network::name_of(5));
}

TEST(StoreChannel, KeepaliveWhenIdle) {
  network net;
  net.tick(10);
  EXPECT_EQ(net.count<ch::keepalive>(), 0u) << "nobody to keep alive";
  net.add_consumer("c1");
  net.produce();
  net.tick(4);
  EXPECT_EQ(net.count<ch::keepalive>(), 0u);
  net.tick();
  ASSERT_EQ(net.count<ch::keepalive>(), 1u);
  auto* pk = net.last<ch::keepalive>();
  EXPECT_EQ(get<ch::keepalive>(*pk)->seq, 2u);
  EXPECT_TRUE(pk->broadcast);
  // An event restarts the idle count.
  net.tick(3);
  net.produce();
  net.tick(4);
  EXPECT_EQ(net.count<ch::keepalive>(), 1u);
  net.tick();
  EXPECT_EQ(net.count<ch::keepalive>(), 2u);
}

TEST(StoreChannel, GapDetectedFromKeepalive) {
  network net;
  auto& c1 = net.add_consumer("c1");
  net.drop = lose_event_once("c1", 3);
  net.produce(2);
  EXPECT_TRUE(c1.state.missing().empty()) << "nothing tells c1 of event 3";
  net.tick(5);
  EXPECT_EQ(c1.state.missing(), std::vector<uint64_t>{3});
  net.tick(1);
  EXPECT_TRUE(gap_nacks(net, "c1").empty());
  net.tick(1);
  EXPECT_EQ(gap_nacks(net, "c1"), (std::vector<std::vector<uint64_t>>{{3}}));
  EXPECT_EQ(c1.delivered, events(2, 3));
}

TEST(StoreChannel, JoinViaNackZeroRepeatedUntilHandshakeArrives) {
  network net;
  net.drop = lose_handshakes(2);
  auto& c1 = net.add_consumer("c1");
  EXPECT_FALSE(c1.state.running());
  EXPECT_TRUE(net.producer.state.has_consumer("c1"));
  EXPECT_FALSE(net.producer.state.acknowledged("c1"));
  net.tick(2);
  EXPECT_FALSE(c1.state.running());
  net.tick(2);
  EXPECT_TRUE(c1.state.running());
  EXPECT_TRUE(net.producer.state.acknowledged("c1"));
  EXPECT_EQ(attach_requests(net, "c1"), 3u);
  auto hs = handshakes(net, "c1");
  ASSERT_EQ(hs.size(), 3u);
  for (auto& x : hs)
    EXPECT_EQ(x.offset, 1u);
  // Answered: no more requests. A NACK 0 after the ACK is the consumer
  // starting over: a fresh handshake, still one consumer.
  net.tick(20);
  EXPECT_EQ(attach_requests(net, "c1"), 3u);
  net.produce();
  net.post("c1", std::nullopt, ch::nack{{0}});
  net.run();
  EXPECT_EQ(attach_requests(net, "c1"), 4u);
  hs = handshakes(net, "c1");
  ASSERT_EQ(hs.size(), 4u);
  EXPECT_EQ(hs.back().offset, 2u);
  EXPECT_EQ(net.producer.state.num_consumers(), 1u);
}

TEST(StoreChannel, HandshakeRepeatedUntilAcked) {
  network net;
  net.drop = [](const packet& pk) { return get<ch::cumulative_ack>(pk); };
  auto& c1 = net.add_consumer("c1");
  EXPECT_TRUE(c1.state.running());
  net.tick(10);
  EXPECT_EQ(handshakes(net, "c1").size(), 3u) << "at ticks 0, 5 and 10";
  EXPECT_EQ(attach_requests(net, "c1"), 1u) << "c1 got the first one";
  net.drop = nullptr;
  net.tick(5);
  EXPECT_TRUE(net.producer.state.acknowledged("c1"));
  net.tick(20);
  EXPECT_EQ(handshakes(net, "c1").size(), 4u);
}

TEST(StoreChannel, SecondConsumerJoinsMidStream) {
  network net;
  auto& c1 = net.add_consumer("c1");
  net.produce(10);
  auto& c2 = net.add_consumer("c2");
  EXPECT_EQ(handshakes(net, "c2").at(0).offset, 11u);
  EXPECT_EQ(c2.state.next_seq(), 12u);
  net.produce(3);
  EXPECT_EQ(c1.delivered, events(2, 14));
  EXPECT_EQ(c2.delivered, events(12, 14));
  net.tick(5);
  EXPECT_EQ(net.producer.state.buffered(), 0u);
}

TEST(StoreChannel, BufferTrimmedWhenAllConsumersAcked) {
  network net;
  net.add_consumer("c1");
  net.add_consumer("c2");
  net.drop = [](const packet& pk) {
    return pk.from == "c2" && get<ch::cumulative_ack>(pk);
  };
  net.produce(5);
  EXPECT_EQ(net.producer.state.buffered(), 5u);
  net.tick(5);
  EXPECT_EQ(net.producer.state.buffered(), 5u) << "c2 has not acked";
  net.drop = nullptr;
  net.tick(5);
  EXPECT_EQ(net.producer.state.buffered(), 0u);
  net.produce(2);
  EXPECT_EQ(net.producer.state.buffered(), 2u);
}

// store::await_idle waits for this state (upstream 2.3+).
TEST(StoreChannel, IdleOnceEveryConsumerAckedEverything) {
  network net;
  EXPECT_TRUE(net.producer.state.idle()) << "no consumer, nothing held";
  net.drop = [](const packet& pk) { return get<ch::cumulative_ack>(pk); };
  net.add_consumer("c1");
  net.tick(5);
  EXPECT_FALSE(net.producer.state.idle()) << "handshake not acknowledged";
  net.drop = nullptr;
  net.tick(5);
  EXPECT_TRUE(net.producer.state.idle());
  net.produce(3);
  EXPECT_FALSE(net.producer.state.idle()) << "events not acknowledged yet";
  net.tick(5);
  EXPECT_TRUE(net.producer.state.idle());
}

TEST(StoreChannel, WriterWithHeldEventsIsNotIdle) {
  network net{{}, "clone", network::mode::replay};
  net.produce(2);
  EXPECT_FALSE(net.producer.state.idle()) << "held for the next consumer";
  net.add_consumer("master", false);
  net.producer.state.add("master");
  net.run();
  net.tick(5);
  EXPECT_TRUE(net.producer.state.idle());
}

TEST(StoreChannel, NoConsumerNoBuffer) {
  network net;
  net.produce(100);
  EXPECT_EQ(net.producer.state.seq(), 101u);
  EXPECT_EQ(net.producer.state.buffered(), 0u);
  EXPECT_TRUE(net.log.empty());
}

TEST(StoreChannel, SilentConsumerDroppedAfterConnectionTimeout) {
  network net;
  net.add_consumer("c1");
  auto& c2 = net.add_consumer("c2");
  net.produce(3);
  net.drop = silence("c2");
  net.tick(timeout - 1);
  EXPECT_TRUE(net.producer.state.has_consumer("c2"));
  EXPECT_EQ(net.producer.state.buffered(), 3u) << "kept for c2";
  net.tick();
  EXPECT_EQ(net.producer.dropped, std::vector<handle>{"c2"});
  EXPECT_EQ(net.producer.state.num_consumers(), 1u);
  EXPECT_EQ(net.producer.state.buffered(), 0u);
  EXPECT_TRUE(c2.failures.empty()) << "c2 still hears the producer";
}

TEST(StoreChannel, StuckConsumerDroppedAfterConnectionTimeout) {
  network net;
  net.add_consumer("c1");
  auto& c2 = net.add_consumer("c2");
  // c2 never gets event 3, not even retransmitted; it ACKs 2 at tick 5.
  net.drop = [](const packet& pk) {
    auto* ev = get<ch::event<payload>>(pk);
    return pk.to == "c2" && ev && ev->seq == 3;
  };
  net.produce(2);
  net.tick(5 + timeout - 1);
  EXPECT_TRUE(net.producer.state.has_consumer("c2"));
  net.tick();
  EXPECT_EQ(net.producer.dropped, std::vector<handle>{"c2"});
  net.tick(ch::settings{}.nack_timeout);
  EXPECT_EQ(c2.failures, failures(ch::failure::retransmit_failed));
}

TEST(StoreChannel, ConsumerGivesUpOnSilentProducer) {
  network net;
  auto& c1 = net.add_consumer("c1");
  net.drop = silence("master");
  net.tick(timeout - 1);
  EXPECT_TRUE(c1.failures.empty());
  net.tick();
  EXPECT_EQ(c1.failures, failures(ch::failure::connection_timeout));
}

TEST(StoreChannel, ConsumerIgnoresOtherSenders) {
  network net;
  auto& c1 = net.add_consumer("c1");
  c1.state.handle_event("intruder", ch::event<payload>{2, "x"});
  c1.state.handle_keepalive("intruder", ch::keepalive{9});
  c1.state.handle_retransmit_failed("intruder", ch::retransmit_failed{2});
  EXPECT_TRUE(c1.delivered.empty());
  EXPECT_TRUE(c1.state.missing().empty());
  EXPECT_TRUE(c1.failures.empty());
}

// -- clone → master (writer) ------------------------------------------------

TEST(StoreChannel, WriterBuffersBeforeHandshake) {
  network net{{}, "clone", network::mode::replay};
  net.produce(3);
  EXPECT_EQ(net.producer.state.buffered(), 3u);
  EXPECT_TRUE(net.log.empty());
  auto& master = net.add_consumer("master", false);
  net.producer.state.add("master");
  net.run();
  EXPECT_EQ(handshakes(net, "master").at(0).offset, 1u);
  EXPECT_EQ(master.delivered, events(2, 4));
  net.tick(5);
  EXPECT_EQ(net.producer.state.buffered(), 0u);
  net.produce();
  EXPECT_EQ(master.delivered, events(2, 5));
}

TEST(StoreChannel, WriterHandshakeResentWithKeepalive) {
  network net{{}, "clone", network::mode::replay};
  net.produce(2);
  auto& master = net.add_consumer("master", false);
  net.drop = lose_handshakes(1);
  net.producer.state.add("master");
  net.run();
  EXPECT_TRUE(master.delivered.empty()) << "events before the handshake";
  net.tick(5);
  ASSERT_EQ(handshakes(net, "master").size(), 2u);
  EXPECT_EQ(handshakes(net, "master").at(1).offset, 1u);
  EXPECT_EQ(net.count<ch::keepalive>(), 1u);
  EXPECT_TRUE(master.state.running());
  net.tick(2);
  EXPECT_EQ(gap_nacks(net, "master"),
            (std::vector<std::vector<uint64_t>>{{2, 3}}));
  EXPECT_EQ(master.delivered, events(2, 3));
}

// -- everything at once -------------------------------------------------------

TEST(StoreChannel, LossyNetworkDeliversEverythingInOrder) {
  network net;
  std::mt19937 rng{42};
  std::bernoulli_distribution lose{0.2};
  net.drop = [&](const packet&) { return lose(rng); };
  for (auto name : {"c1", "c2", "c3"})
    net.add_consumer(name);
  for (int i = 0; i < 100; ++i)
    net.tick();
  for (auto& c : net.consumers)
    ASSERT_TRUE(c->state.running()) << c->name;
  for (int i = 0; i < 200; ++i) {
    net.produce();
    net.tick();
  }
  net.tick(100);
  for (auto& c : net.consumers) {
    EXPECT_EQ(c->delivered, events(2, 201)) << c->name;
    EXPECT_TRUE(c->failures.empty()) << c->name;
  }
  EXPECT_FALSE(net.lost.empty());
  EXPECT_EQ(net.producer.state.buffered(), 0u);
  EXPECT_TRUE(net.producer.dropped.empty());
}
