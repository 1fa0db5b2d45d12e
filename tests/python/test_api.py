"""The names of upstream's Python API, enums and configuration objects."""

import broker

NAMES = """Version now utc APIFlags EC SC PeerStatus PeerFlags Frontend Backend
NetworkInfo EndpointInfo PeerInfo Topic Status Error Configuration
BrokerOptions Address Count Enum Port Set Subnet Table Timespan Timestamp
Vector Subscriber StatusSubscriber Publisher Endpoint Message Data
OptionalNetworkInfo zeek""".split()


def test_upstream_names_exist():
    missing = [n for n in NAMES if not hasattr(broker, n)]
    assert missing == []
    assert hasattr(broker.zeek, "Event")


def test_enum_values_match_cpp():
    ec = broker.EC
    assert [int(x) for x in (ec.Unspecified, ec.PeerIncompatible,
                             ec.PeerInvalid, ec.PeerUnavailable,
                             ec.PeerTimeout, ec.MasterExists, ec.NoSuchMaster,
                             ec.NoSuchKey, ec.RequestTimeOut, ec.TypeClash,
                             ec.InvalidData, ec.BackendFailure,
                             ec.StaleData)] == [1, 2, 3, 4, 6, 7, 8, 9, 10,
                                                11, 12, 13, 14]
    assert ec.RequestTimeout == ec.RequestTimeOut
    assert int(ec.PeerDisconnectDuringHandshake) == 5
    sc = broker.SC
    assert [int(x) for x in (sc.Unspecified, sc.PeerAdded, sc.PeerRemoved,
                             sc.PeerLost, sc.EndpointDiscovered,
                             sc.EndpointUnreachable)] == list(range(6))
    ps = broker.PeerStatus
    assert [int(x) for x in (ps.Initialized, ps.Connecting, ps.Connected,
                             ps.Peered, ps.Disconnected,
                             ps.Reconnecting)] == list(range(6))
    pf = broker.PeerFlags
    assert [int(x) for x in (pf.Invalid, pf.Local, pf.Remote, pf.Outbound,
                             pf.Inbound)] == [0, 1, 2, 4, 8]
    assert int(broker.Backend.Memory) == 0 and int(broker.Backend.SQLite) == 1
    assert int(broker.Frontend.Clone) == 0 and int(broker.Frontend.Master) == 1
    assert int(broker.APIFlags.Blocking) == 1
    assert int(broker.APIFlags.NonBlocking) == 2


def test_codes_compare_with_ints_and_hash():
    assert broker.EC.NoSuchKey == 9 and 9 == broker.EC.NoSuchKey
    assert broker.EC.NoSuchKey != 8
    # Only EC was patched upstream; the other enums compare strictly.
    assert broker.SC.PeerAdded != 1 and int(broker.SC.PeerAdded) == 1
    assert broker.PeerStatus.Peered != 3 and broker.PeerFlags.Remote != 2
    assert broker.EC.NoSuchKey != "9" and broker.EC.NoSuchKey != True  # noqa
    assert len({broker.SC.PeerAdded, broker.SC.PeerAdded}) == 1


def test_version():
    v = broker.Version
    assert (v.MAJOR, v.MINOR, v.PATCH, v.PROTOCOL) == (2, 1, 0, 2)
    assert v.string() == "2.1.0"
    assert v.compatible(2) and not v.compatible(1)


def test_broker_options_and_configuration():
    opts = broker.BrokerOptions()
    assert (opts.disable_ssl, opts.forward, opts.ttl, opts.use_real_time,
            opts.ignore_broker_conf) == (False, True, 20, True, False)
    opts.ttl = 3
    opts.forward = False
    cfg = broker.Configuration(opts)
    assert cfg.options.ttl == 3 and cfg.options.forward is False
    for field in ["openssl_cafile", "openssl_capath", "openssl_certificate",
                  "openssl_key", "openssl_passphrase"]:
        assert getattr(cfg, field) == ""
        setattr(cfg, field, "/x")
        assert getattr(cfg, field) == "/x"
    assert cfg.max_threads == 0
    cfg.max_threads = 4
    cfg.set("broker.subscriber-buffer-size", broker.Count(100))
    ep = broker.Endpoint(cfg)
    ep.shutdown()


def test_network_info():
    info = broker.NetworkInfo("10.0.0.1", 42)
    assert info.address == "10.0.0.1" and info.port == 42
    assert str(info) == "10.0.0.1:42"
