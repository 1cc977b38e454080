using Sensor.Core.Decoding.Fragments;

namespace Sensor.Tests.Replay;

/// <summary>
/// The IP fragment captures (make-fragments.sh): real sessions whose client segments came as IPv4 or
/// IPv6 fragments. Users, variants and endpoints are checked against the manifest by
/// ManifestReplayTests; here the anomalies on the session and the reassembly counters.
/// </summary>
public class FragmentReplayTests
{
    private const string Conflict = "ip-fragment-overlap-conflict-client";

    private static (Sensor.Core.Output.SessionRecord Session, DefragmentStats Stats, CollectingSink Sink) Run(string file)
    {
        var (sink, pipeline) = ReplayHarness.RunFileWithPipeline(Path.Combine(Manifest.CapturesDirectory, file));
        return (Assert.Single(sink.Sessions), pipeline.DefragmentStats, sink);
    }

    [Theory]
    // Fragment counts as tcpdump -v shows them; 7 client segments carry data.
    [InlineData("smtp-frag-inorder.pcap", 30, 7, 0, 0, 0)]
    [InlineData("smtp-frag-reversed.pcap", 30, 7, 0, 0, 0)]
    // Every fragment twice then the set again: the second copies inside the datagram are duplicates (30 - 7);
    // the copy of the last fragment starts the datagram again, which the resent set finishes a second time
    // (TCP drops it as a retransmission), and the resent last fragment starts one more that never ends.
    [InlineData("smtp-frag-duplicates.pcap", 90, 14, 23, 0, 7)]
    [InlineData("smtp-frag-overlap-same.pcap", 36, 7, 0, 29, 0)]
    [InlineData("smtp-frag-tiny.pcap", 83, 7, 0, 0, 0)]
    public void CleanFragmentedSessions_ReadAsTheWholeOnes_WithNoAnomaly(string file, long fragments, long reassembled, long duplicates, long identicalOverlaps, int pending)
    {
        var (session, stats, sink) = Run(file);
        Assert.Equal("alice@example.test", Assert.Single(session.Auth).User);
        Assert.Equal("127.0.0.1:587", session.Server);
        Assert.Empty(session.Anomalies);
        Assert.Equal(["plaintext-credential/smtp-auth-plain", "cleartext-mail/"], sink.Findings.Select(f => $"{f.Kind}/{f.Variant}"));
        Assert.Equal((fragments, reassembled, duplicates, identicalOverlaps, 0L), (stats.Fragments, stats.DatagramsReassembled, stats.Duplicates, stats.IdenticalOverlaps, stats.OverlapConflicts));
        Assert.Equal(pending, stats.PendingDatagrams);
    }

    [Fact]
    public void TinyFragments_AreCounted()
    {
        var (_, stats, _) = Run("smtp-frag-tiny.pcap");
        Assert.Equal(7, stats.TinyFirstFragments);
    }

    [Fact]
    public void ForgedFragmentsFirst_TheForgedUserIsRead_AsALinuxReceiverWould_WithTheAnomaly()
    {
        var (session, stats, sink) = Run("smtp-frag-conflict-first.pcap");
        Assert.Equal(("PLAIN", "mallo@example.test"), (Assert.Single(session.Auth).Mechanism, session.Auth[0].User));
        Assert.Equal([Conflict], session.Anomalies);
        Assert.Equal("mallo@example.test", Assert.Single(sink.Findings, f => f.Kind == "plaintext-credential").Evidence["user"]);
        Assert.Equal((2L, 1L, 0L), (stats.OverlapConflicts, stats.DatagramsReassembled, stats.DatagramsDroppedOnConflict));
    }

    [Fact]
    public void StraddlingForgedFragment_DropsTheDatagram_TheRetransmissionCarriesTheUser_WithTheAnomaly()
    {
        var (session, stats, _) = Run("smtp-frag-conflict-drop.pcap");
        Assert.Equal("alice@example.test", Assert.Single(session.Auth).User);
        Assert.Equal([Conflict], session.Anomalies);
        Assert.Equal((1L, 1L, 0L), (stats.OverlapConflicts, stats.DatagramsDroppedOnConflict, stats.DatagramsReassembled));
        // The genuine fragments after the forged one start a datagram that never finishes: it waits for its timeout.
        Assert.Equal(1, stats.PendingDatagrams);
    }

    [Fact]
    public void Ipv6FragmentHeaders_LastFirst_ReadAsTheWholeSession()
    {
        var (session, stats, _) = Run("smtp-ipv6-frag-reversed.pcap");
        Assert.Equal(("LOGIN", "alice@example.test"), (Assert.Single(session.Auth).Mechanism, session.Auth[0].User));
        Assert.Equal("[::1]:587", session.Server);
        Assert.Empty(session.Anomalies);
        Assert.Equal((34L, 9L), (stats.Fragments, stats.DatagramsReassembled));
    }

    [Fact]
    public void FloodOfFirstFragments_StaysUnderTheCap_EvictsTheOldest_AndTheCredentialIsStillRead()
    {
        var (session, stats, _) = Run("smtp-frag-flood.pcap");
        Assert.Equal("alice@example.test", Assert.Single(session.Auth).User);
        Assert.Equal(1, stats.DatagramsReassembled);
        Assert.True(stats.PeakBufferedBytes <= DefragmentLimits.Default.MaxBufferedBytes, $"peak {stats.PeakBufferedBytes}");
        Assert.True(stats.DatagramsEvicted > 0, "the flood crossed the cap");
        Assert.Equal(6000 - stats.PendingDatagrams, stats.DatagramsEvicted);
    }

    [Fact]
    public void AnUnfragmentedCapture_TouchesNoFragmentCounter()
    {
        var (session, stats, _) = Run("smtp-auth-plain-cleartext.pcap");
        Assert.Empty(session.Anomalies);
        Assert.Equal((0L, 0L, 0L), (stats.Fragments, stats.DatagramsReassembled, stats.PeakBufferedBytes));
    }
}
