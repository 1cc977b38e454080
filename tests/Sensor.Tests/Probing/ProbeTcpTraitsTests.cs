using Sensor.Core.Decoding;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Tests.Probing;

/// <summary>
/// The probe's view of the answering host's TCP/IP traits: TCP_INFO's bytes as Linux lays them out, and a real probe
/// of the loopback postfix, whose SYN/ACK must show what the capture of the same server shows
/// (captures/expected/smtp-aiosmtpd-no-starttls.pcap.jsonl: loopback MSS 65495, window 65483).
/// </summary>
public class ProbeTcpTraitsTests
{
    [Fact]
    public void TcpInfoGivesWhatWasNegotiatedAndNamesWhatItCannot()
    {
        // tcpi_state 1 (established), options 7 (timestamps, SACK, window scale), snd_wscale 10 / rcv_wscale 7 (0x7A)
        byte[] info = [1, 0, 0, 0, 0, 7, 0x7A, 0, 0x40, 0x0D, 0x03, 0];
        var t = ProbeTcpTraits.FromTcpInfo(info, TcpHandshakeOptions.Mss | TcpHandshakeOptions.SackPermitted | TcpHandshakeOptions.Timestamps | TcpHandshakeOptions.WindowScale)!;
        Assert.Equal(("tcp-info", true, true, (int?)10, "mss,sok,ts,ws", (int?)null, (string?)null),
            (t.Source, t.SackPermitted, t.Timestamps, t.WindowScale, t.ClientOffered, t.Ttl, t.Options));
        Assert.Equal(["ttl", "initial_ttl", "hops", "window", "options", "mss"], t.Unavailable);
        var none = ProbeTcpTraits.FromTcpInfo([1, 0, 0, 0, 0, 0, 0x00], TcpHandshakeOptions.Mss)!;
        Assert.Equal((false, false, (int?)null, "mss"), (none.SackPermitted, none.Timestamps, none.WindowScale, none.ClientOffered));
        Assert.Null(ProbeTcpTraits.FromTcpInfo([1, 0, 0, 0, 0, 7], TcpHandshakeOptions.Mss));
    }

    [Fact]
    [Trait(TestCategories.Name, TestCategories.Integration)]
    public async Task AProbeOfTheLoopbackPostfixSeesItsSynAckAsTheCaptureDoes()
    {
        var result = await ProbeTestSupport.Probe("127.0.0.1:25");
        Assert.Equal(ProbeOutcome.Ok, result.Outcome);
        var t = result.ServerTcp!;
        // the tests run with CAP_NET_RAW (they make network namespaces): the SYN/ACK itself
        Assert.Equal((TcpTraitsRecord.FromSynAck, 64, 64, 0, 65483, "mss,sok,ts,nop,ws", 65495, true, true),
            (t.Source, t.Ttl, t.InitialTtl, t.Hops, t.Window, t.Options, t.Mss, t.SackPermitted, t.Timestamps));
        Assert.NotNull(t.WindowScale);
        Assert.Empty(t.Unavailable);
        var record = ProbeRecord.From(result, "local");
        Assert.Contains(record.TlsCipher!, record.TlsClientCiphers!);
    }
}
