using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using static Sensor.Tests.CrossCheck.Probes;

namespace Sensor.Tests.CrossCheck;

/// <summary>
/// The comparison rules of the answering host's TCP/IP traits and of the server's TLS choice
/// (docs/crosscheck.md): what differs is named exactly; what the path or the client explains is not.
/// </summary>
public class AnswerTraitsStackTests
{
    private const string Smtp = "127.0.0.1:25";
    private const string Greeting = "220 mail.example.test ESMTP Postfix (Debian/GNU)";
    private const string Offer = "mss,sok,ts,ws";
    private const string Aes256 = "TLS_AES_256_GCM_SHA384", Chacha = "TLS_CHACHA20_POLY1305_SHA256", Aes128 = "TLS_AES_128_GCM_SHA256";
    private static readonly List<string> OpenSslOrder = [Aes256, Chacha, Aes128];

    /// <summary>What Linux answers a SYN that offered everything, over an Ethernet path (MSS 1460) <paramref name="hops"/> routers away.</summary>
    private static TcpTraitsRecord Linux(int hops = 0, int mss = 1460, int window = 65160, string? offered = Offer) => new()
    {
        Ttl = 64 - hops, InitialTtl = 64, Hops = hops, Window = window, Options = "mss,sok,ts,nop,ws", Mss = mss, WindowScale = 7,
        SackPermitted = true, Timestamps = true, ClientOffered = offered,
    };

    private static TcpTraitsRecord Bare(int ttl = 128) => new()
    {
        Ttl = ttl, InitialTtl = TcpTraitsRecord.InitialTtlOf(ttl), Hops = TcpTraitsRecord.InitialTtlOf(ttl) - ttl, Window = 64240, Options = "mss", Mss = 1460,
        ClientOffered = Offer,
    };

    private static TcpTraitsRecord TcpInfo(bool sack = true, bool timestamps = true, int? scale = 7) => new()
    {
        Source = TcpTraitsRecord.FromTcpInfo, SackPermitted = sack, Timestamps = timestamps, WindowScale = scale, ClientOffered = Offer,
        Unavailable = ["ttl", "initial_ttl", "hops", "window", "options", "mss"],
    };

    private static PassiveObservation Seen(TcpTraitsRecord[]? tcp = null, TlsChoice[]? tls = null) =>
        new("smtp", Smtp, "mail.example.test", 1, [], false, [], ["s1"])
        {
            Greetings = [AnswerTraits.Greeting(Greeting)],
            ServerTcp = tcp ?? [],
            TlsChoices = tls ?? [],
        };

    private static ProbeRecord Probe(string vantage, TcpTraitsRecord? tcp, string? cipher = null, List<string>? offered = null, string version = "TLSv1.3")
    {
        var record = Ok(vantage, Smtp, protocol: "smtp");
        record.Banner = Greeting;
        record.ServerTcp = tcp;
        record.TlsVersion = version;
        record.TlsCipher = cipher;
        record.TlsClientCiphers = offered;
        return record;
    }

    private static List<string> Differences(PassiveObservation passive, params ProbeRecord[] probes) =>
        AnswerTraits.Differences(passive, ProbeConsensus.Of(probes, Now, CrossCheckOptions.Default));

    [Fact]
    public void AnotherStackHereIsNamedTraitByTrait() =>
        Assert.Equal([
            "TCP initial TTL: '128' here; '64' from far",
            "TCP options: 'mss' here; 'mss,sok,ts,nop,ws' from far",
            "TCP window: '64240' here; '65160' from far",
        ], Differences(Seen([Bare()]), Probe("far", Linux(hops: 9))));

    [Fact]
    public void TheSameStackFartherAwayIsNoDifference() =>
        Assert.Empty(Differences(Seen([Linux(hops: 0)]), Probe("far", Linux(hops: 17))));

    [Fact]
    public void AnotherMssIsThePathsClampNotAnotherHostAndItsWindowIsNotCompared() =>
        Assert.Empty(Differences(Seen([Linux(mss: 1452, window: 64764)]), Probe("far", Linux())));

    [Fact]
    public void AnotherWindowWithTheSameMssAndOfferIsAnotherStack() =>
        Assert.Equal(["TCP window: '29200' here; '65160' from far"], Differences(Seen([Linux(window: 29200)]), Probe("far", Linux())));

    [Fact]
    public void AClientThatOfferedLessGetsLessAndIsNotComparedByLayout()
    {
        // the capture's client offered no timestamps: the same Linux answers without them
        var answeredLess = Linux(offered: "mss,sok,ws");
        answeredLess.Options = "mss,nop,nop,sok,nop,ws";
        answeredLess.Timestamps = false;
        answeredLess.Window = 64240;
        Assert.Empty(Differences(Seen([answeredLess]), Probe("far", Linux())));
    }

    [Fact]
    public void WithTheSynUnseenWhatTheServerAnsweredStillProvesTheOffer()
    {
        var unseenSyn = Bare(ttl: 64);
        unseenSyn.ClientOffered = null;
        // the layout is not comparable (the offer is unknown); the initial TTL is the same; only what it answered is known offered
        Assert.Empty(Differences(Seen([unseenSyn]), Probe("far", Linux())));
        var unseenWithTimestamps = Linux(window: 65160, offered: null);
        unseenWithTimestamps.SackPermitted = false;
        unseenWithTimestamps.Options = "mss,nop,nop,ts,nop,ws";
        Assert.Empty(Differences(Seen([unseenWithTimestamps]), Probe("far", Linux())));
    }

    [Fact]
    public void ATcpInfoProbeComparesWhatWasNegotiated()
    {
        Assert.Equal([
            "TCP SACK-permitted: 'no' here; 'yes' from far",
            "TCP timestamps: 'no' here; 'yes' from far",
            "TCP window scaling: 'no' here; 'yes' from far",
        ], Differences(Seen([Bare(ttl: 64)]), Probe("far", TcpInfo())));
        Assert.Empty(Differences(Seen([Linux()]), Probe("far", TcpInfo())));
        Assert.Equal(["TCP window scale: '7' here; '9' from far"], Differences(Seen([Linux()]), Probe("far", TcpInfo(scale: 9))));
    }

    [Fact]
    public void AFarmSeenBothWaysByTheProbesIsNoDifference() =>
        Assert.Empty(Differences(Seen([Bare()]), Probe("far", Linux()), Probe("near", Bare(ttl: 120))));

    [Fact]
    public void NoTraitsOnEitherSideSayNothing()
    {
        Assert.Empty(Differences(Seen(), Probe("far", Linux())));
        Assert.Empty(Differences(Seen([Bare()]), Probe("far", null)));
    }

    [Fact]
    public void InitialTtlGuesses() =>
        Assert.Equal([64, 64, 128, 128, 255, 255], new[] { 1, 64, 65, 128, 129, 255 }.Select(TcpTraitsRecord.InitialTtlOf));

    [Fact]
    public void AnotherCipherForTheSameOfferIsAnotherServer() =>
        Assert.Equal(["TLS cipher (TLSv1.3): 'TLS_AES_128_GCM_SHA256' here; 'TLS_AES_256_GCM_SHA384' from far"],
            Differences(Seen(tls: [new TlsChoice("TLSv1.3", Aes128, OpenSslOrder)]), Probe("far", null, Aes256, OpenSslOrder)));

    [Fact]
    public void TheSameCipherForTheSameOfferIsNoDifference() =>
        Assert.Empty(Differences(Seen(tls: [new TlsChoice("TLSv1.3", Aes256, OpenSslOrder)]), Probe("far", null, Aes256, OpenSslOrder)));

    [Fact]
    public void AClientThatOrderedTheSuitesOtherwiseMayGetAnotherChoice() =>
        // a server that follows the client's order picks each client's first: not comparable
        Assert.Empty(Differences(Seen(tls: [new TlsChoice("TLSv1.3", Chacha, [Chacha, Aes256, Aes128])]), Probe("far", null, Aes256, OpenSslOrder)));

    [Fact]
    public void AClientThatDidNotOfferTheProbesChoiceIsNotCompared() =>
        Assert.Empty(Differences(Seen(tls: [new TlsChoice("TLSv1.3", Aes128, [Aes128])]), Probe("far", null, Aes256, OpenSslOrder)));

    [Fact]
    public void AnotherVersionIsNotComparedByCipher() =>
        Assert.Empty(Differences(Seen(tls: [new TlsChoice("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Aes256])]),
            Probe("far", null, Aes256, [Aes256, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"])));

    [Fact]
    public void AProbeWithoutItsOfferIsNotCompared() =>
        Assert.Empty(Differences(Seen(tls: [new TlsChoice("TLSv1.3", Aes128, OpenSslOrder)]), Probe("far", null, Aes256, null)));
}
