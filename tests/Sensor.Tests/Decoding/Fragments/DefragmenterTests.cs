using System.Text;
using Sensor.Core.Decoding.Fragments;
using static Sensor.Tests.Decoding.Fragments.FragmentBuilder;

namespace Sensor.Tests.Decoding.Fragments;

public class DefragmenterTests
{
    private static readonly byte[] Genuine = Repeat("GENUINE-", 7);   // 56 bytes
    private static readonly byte[] Forged = Repeat("FORGED!!", 7);
    private static readonly (int Start, int End)[] Quarters = [(0, 16), (16, 32), (32, 48), (48, 56)];

    private static (FragmentOutcome Outcome, byte[] Datagram) Feed(Defragmenter defragmenter, IEnumerable<byte[]> fragments, long ticks = 0)
    {
        var outcome = FragmentOutcome.Held;
        byte[] datagram = [];
        foreach (var fragment in fragments)
        {
            outcome = defragmenter.Add(ticks, fragment, out var span);
            datagram = span.ToArray();
        }
        return (outcome, datagram);
    }

    private static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (int[])[item, .. rest]));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryOrderOfTheFragments_GivesBackTheWholePacket(bool v6)
    {
        var packet = Packet(v6, Genuine);
        var fragments = Quarters.Select(q => Fragment(packet, q.Start, q.End)).ToArray();
        int orders = 0;
        foreach (var order in Permutations([0, 1, 2, 3]))
        {
            var defragmenter = new Defragmenter();
            var (outcome, datagram) = Feed(defragmenter, order.Select(i => fragments[i]));
            Assert.Equal(FragmentOutcome.Reassembled, outcome);
            Assert.Equal(packet, datagram);
            Assert.Equal((1, 0, 0L), (defragmenter.Stats.DatagramsReassembled, defragmenter.Stats.PendingDatagrams, defragmenter.Stats.BufferedBytes));
            orders++;
        }
        Assert.Equal(24, orders);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryOrderWithEveryFragmentTwice_GivesBackThePacketAndCountsTheDuplicates(bool v6)
    {
        var packet = Packet(v6, Genuine);
        var fragments = Quarters.Select(q => Fragment(packet, q.Start, q.End)).ToArray();
        foreach (var order in Permutations([0, 1, 2, 3]))
        {
            var defragmenter = new Defragmenter();
            // Each fragment twice in a row, but the last: the datagram completes at its first copy.
            var sent = order.SelectMany((i, n) => n < 3 ? [fragments[i], fragments[i]] : new[] { fragments[i] });
            var (outcome, datagram) = Feed(defragmenter, sent);
            Assert.Equal(FragmentOutcome.Reassembled, outcome);
            Assert.Equal(packet, datagram);
            Assert.Equal(3, defragmenter.Stats.Duplicates);
        }
    }

    /// <summary>
    /// The patterns captures/tools/linux_frag_policy.py sent to Linux 6.18 in two namespaces, IPv4 and
    /// IPv6 alike, and what its socket read (captures/README.md): the sensor must read the same, but for
    /// the one documented choice (same bytes over two runs: taken, where Linux drops the datagram and
    /// reads the same bytes from the retransmission).
    /// </summary>
    public static TheoryData<bool, string, string> LinuxPatterns()
    {
        var data = new TheoryData<bool, string, string>();
        foreach (bool v6 in new[] { false, true })
        {
            data.Add(v6, "F24-48 G0-24 G24-48 G48-56", "GENUINE-GENUINE-GENUINE-FORGED!!FORGED!!FORGED!!GENUINE-");
            data.Add(v6, "G0-24 G24-48 F16-40 G48-56", "GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-");
            data.Add(v6, "G0-24 G24-48 G16-40 G48-56", "GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-");
            data.Add(v6, "G24-48 G0-24 F16-32 G48-56", "dropped");
            data.Add(v6, "G24-48 G0-24 G16-32 G48-56", "GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-");
            data.Add(v6, "G0-24 G24-48 F24-40 G48-56", "GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-GENUINE-");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LinuxPatterns))]
    public void Overlaps_AreResolvedAsLinuxDoes(bool v6, string pattern, string expected)
    {
        var genuine = Packet(v6, Genuine);
        var forged = Packet(v6, Forged);
        var fragments = pattern.Split(' ').Select(p =>
        {
            var range = p[1..].Split('-').Select(int.Parse).ToArray();
            return Fragment(p[0] == 'G' ? genuine : forged, range[0], range[1]);
        });
        var defragmenter = new Defragmenter();
        var (outcome, datagram) = Feed(defragmenter, fragments);

        if (expected == "dropped")
        {
            Assert.NotEqual(FragmentOutcome.Reassembled, outcome);
            Assert.Equal(1, defragmenter.Stats.DatagramsDroppedOnConflict);
            Assert.Equal(1, defragmenter.Stats.OverlapConflicts);
            return;
        }
        bool conflict = pattern.Contains('F');
        Assert.Equal(conflict ? FragmentOutcome.ReassembledAfterConflict : FragmentOutcome.Reassembled, outcome);
        Assert.Equal(expected, Encoding.ASCII.GetString(datagram.AsSpan(v6 ? 40 : 20)));
        Assert.Equal(conflict ? 1 : 0, defragmenter.Stats.OverlapConflicts);
    }

    [Fact]
    public void ConflictingOverlapAcrossRuns_HandsOutTheHeldStartForTheAnomaly()
    {
        var genuine = Packet(false, Genuine);
        var defragmenter = new Defragmenter();
        defragmenter.Add(0, Fragment(genuine, 24, 48), out _);
        defragmenter.Add(0, Fragment(genuine, 0, 24), out _);
        var outcome = defragmenter.Add(0, Fragment(Packet(false, Forged), 16, 32), out var held);
        Assert.Equal(FragmentOutcome.DroppedOnConflict, outcome);
        Assert.Equal(genuine[..(20 + 48)].AsSpan()[20..].ToArray(), held[20..].ToArray());
        Assert.Equal(0, defragmenter.Stats.PendingDatagrams);
        Assert.Equal(0, defragmenter.Stats.BufferedBytes);
    }

    [Fact]
    public void IdenticalOverlapsAcrossFragments_AreTakenAndCounted()
    {
        var packet = Packet(false, Genuine);
        var defragmenter = new Defragmenter();
        var (outcome, datagram) = Feed(defragmenter, [Fragment(packet, 0, 32), Fragment(packet, 16, 48), Fragment(packet, 32, 56)]);
        Assert.Equal(FragmentOutcome.Reassembled, outcome);
        Assert.Equal(packet, datagram);
        Assert.Equal(2, defragmenter.Stats.IdenticalOverlaps);
    }

    [Fact]
    public void Ipv6_FragmentHeaderGoes_AndItsNextHeaderIsRestoredAfterTheUnfragmentableHeaders()
    {
        var packet = Packet(true, Genuine, protocol: 6);
        var withHopByHop = Frames.WithIpv6Extensions(packet, (0, new byte[8]));
        var defragmenter = new Defragmenter();
        var (outcome, datagram) = Feed(defragmenter, [FragmentAfterHopByHop(packet, 24, 56), FragmentAfterHopByHop(packet, 0, 24)]);
        Assert.Equal(FragmentOutcome.Reassembled, outcome);
        Assert.Equal(withHopByHop, datagram);
    }

    /// <summary>A fragment of <paramref name="packet"/> with a Hop-by-Hop header before its Fragment header (the unfragmentable part, RFC 8200 §4.5).</summary>
    private static byte[] FragmentAfterHopByHop(byte[] packet, int start, int end)
    {
        var fragment = Fragment(packet, start, end);
        var fixedHeader = fragment[..40];
        fixedHeader[6] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(fixedHeader.AsSpan(4), (ushort)(fragment.Length - 40 + 8));
        byte[] hopByHop = [44, 0, 0, 0, 0, 0, 0, 0];
        return [.. fixedHeader, .. hopByHop, .. fragment[40..]];
    }

    [Fact]
    public void AFloodOfFirstFragments_NeverHoldsMoreThanTheCap_AndTheOldestGoFirst()
    {
        var limits = new DefragmentLimits { MaxBufferedBytes = 256 * 1024 };
        var defragmenter = new Defragmenter(limits);
        var packet = Packet(false, Repeat("x", 1400));
        for (uint id = 0; id < 10_000; id++)
            defragmenter.Add(id, Fragment(packet, 0, 1000, id), out _);
        var stats = defragmenter.Stats;
        Assert.True(stats.PeakBufferedBytes <= limits.MaxBufferedBytes, $"peak {stats.PeakBufferedBytes}");
        Assert.Equal(10_000 - stats.PendingDatagrams, stats.DatagramsEvicted);
        Assert.True(stats.PendingDatagrams > 50, $"{stats.PendingDatagrams} pending");
        // The newest datagram is still there and completes; the oldest was evicted and does not.
        Assert.Equal(FragmentOutcome.Reassembled, defragmenter.Add(10_000, Fragment(packet, 1000, 1400, 9_999), out _));
        Assert.Equal(FragmentOutcome.Held, defragmenter.Add(10_000, Fragment(packet, 1000, 1400, 0), out _));
    }

    [Fact]
    public void ADatagramBiggerThanItsCap_IsGivenUpAndCounted()
    {
        var defragmenter = new Defragmenter(new DefragmentLimits { MaxDatagramBytes = 1024 });
        var packet = Packet(false, Repeat("x", 2000));
        Assert.Equal(FragmentOutcome.Held, defragmenter.Add(0, Fragment(packet, 0, 1000), out _));
        Assert.Equal(FragmentOutcome.Dropped, defragmenter.Add(0, Fragment(packet, 1000, 2000), out _));
        Assert.Equal((1, 0), (defragmenter.Stats.DatagramCapHits, defragmenter.Stats.PendingDatagrams));
    }

    [Theory]
    [InlineData(false, 29, false)]
    [InlineData(false, 30, true)]
    [InlineData(true, 59, false)]
    [InlineData(true, 60, true)]
    public void UnfinishedDatagrams_TimeOutInCaptureTime_30sForIpv4_60sForIpv6(bool v6, int seconds, bool timedOut)
    {
        var packet = Packet(v6, Genuine);
        var defragmenter = new Defragmenter();
        defragmenter.Add(0, Fragment(packet, 0, 24), out _);
        var outcome = defragmenter.Add(TimeSpan.FromSeconds(seconds).Ticks, Fragment(packet, 24, 56), out _);
        Assert.Equal(timedOut ? FragmentOutcome.Held : FragmentOutcome.Reassembled, outcome);
        Assert.Equal(timedOut ? 1 : 0, defragmenter.Stats.DatagramsTimedOut);
    }

    [Fact]
    public void CaptureTimeGoingBack_DoesNotExpireAnything()
    {
        var packet = Packet(false, Genuine);
        var defragmenter = new Defragmenter();
        defragmenter.Add(TimeSpan.FromSeconds(100).Ticks, Fragment(packet, 0, 24), out _);
        Assert.Equal(FragmentOutcome.Reassembled, defragmenter.Add(0, Fragment(packet, 24, 56), out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FragmentsAddingUpPast65535_AreOversize_NeverACrash(bool v6)
    {
        var packet = Packet(v6, Repeat("x", 64));
        var defragmenter = new Defragmenter();
        defragmenter.Add(0, Fragment(packet, 0, 16), out _);
        var last = Fragment(packet, 16, 64, more: false);
        SetOffset(last, v6, 65528);   // the largest offset: 65528 + 48 bytes
        Assert.Equal(FragmentOutcome.Oversize, defragmenter.Add(0, last, out var held));
        Assert.Equal(1, defragmenter.Stats.Oversize);
        Assert.Equal(packet[..((v6 ? 40 : 20) + 16)].AsSpan((v6 ? 40 : 20)).ToArray(), held[(v6 ? 40 : 20)..].ToArray());
        Assert.Equal(0, defragmenter.Stats.BufferedBytes);
    }

    private static void SetOffset(byte[] fragment, bool v6, int offset)
    {
        int at = v6 ? 42 : 6;
        int flags = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(fragment.AsSpan(at)) & (v6 ? 0x7 : 0xE000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(at), (ushort)(flags | (v6 ? offset : offset / 8)));
    }

    [Fact]
    public void ALastFragmentShortOfHeldBytes_OrASecondLastWithAnotherEnd_DropsTheDatagram()
    {
        var packet = Packet(false, Genuine);
        var defragmenter = new Defragmenter();
        defragmenter.Add(0, Fragment(packet, 24, 48), out _);
        Assert.Equal(FragmentOutcome.Dropped, defragmenter.Add(0, Fragment(packet, 0, 16, more: false), out _));
        defragmenter.Add(0, Fragment(packet, 48, 56), out _);
        Assert.Equal(FragmentOutcome.Dropped, defragmenter.Add(0, Fragment(packet, 32, 48, more: false), out _));
        Assert.Equal((2, 0), (defragmenter.Stats.Rejected, defragmenter.Stats.PendingDatagrams));
    }

    [Fact]
    public void Ipv4_NonLastFragmentNotInEightOctetUnits_IsTrimmed_Ipv6_IsDropped()
    {
        foreach (bool v6 in new[] { false, true })
        {
            var packet = Packet(v6, Genuine);
            var defragmenter = new Defragmenter();
            // 0-20 with More set: IPv4 keeps 0-16 (Linux trims), IPv6 drops it (RFC 8200 §4.5).
            defragmenter.Add(0, Fragment(packet, 0, 20, more: true), out _);
            var (outcome, _) = Feed(defragmenter, [Fragment(packet, 16, 56)]);
            Assert.Equal(v6 ? FragmentOutcome.Held : FragmentOutcome.Reassembled, outcome);
        }
    }

    [Fact]
    public void TinyFirstFragments_AreCounted_AndStillReassembled()
    {
        var packet = Packet(false, Genuine, protocol: 6);
        var defragmenter = new Defragmenter();
        var (outcome, datagram) = Feed(defragmenter, [Fragment(packet, 0, 8), Fragment(packet, 8, 56)]);
        Assert.Equal(FragmentOutcome.Reassembled, outcome);
        Assert.Equal(packet, datagram);
        Assert.Equal(1, defragmenter.Stats.TinyFirstFragments);
    }

    public static TheoryData<string, byte[]> Hostile() => new()
    {
        { "empty", [] },
        { "not IP", [0x15, 0, 0, 0] },
        { "IPv4 header only half there", Packet(false, Genuine)[..12] },
        { "IPv4 cut by the capture", Fragment(Packet(false, Genuine), 0, 24)[..30] },
        { "IPv4 total length under the header", WithByte(Fragment(Packet(false, Genuine), 0, 24), 3, 10) },
        { "IPv4 header length under 20", WithByte(Fragment(Packet(false, Genuine), 0, 24), 0, 0x44) },
        { "IPv6 jumbogram", WithByte(WithByte(Fragment(Packet(true, Genuine), 0, 24), 4, 0), 5, 0) },
        { "IPv6 cut by the capture", Fragment(Packet(true, Genuine), 0, 24)[..60] },
        { "IPv6 without a Fragment header", Packet(true, Genuine) },
        { "IPv6 Fragment header after AH", WithByte(Fragment(Packet(true, Genuine), 0, 24), 6, 51) },
        { "zero-length fragment", Fragment(Packet(false, Genuine), 8, 8) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileFragments_AreCountedAndDropped(string what, byte[] packet)
    {
        var defragmenter = new Defragmenter();
        Assert.Equal(FragmentOutcome.Dropped, defragmenter.Add(0, packet, out var datagram));
        Assert.True(datagram.IsEmpty, what);
        Assert.Equal(1, defragmenter.Stats.Rejected);
        Assert.Equal(0, defragmenter.Stats.BufferedBytes);
    }

    private static byte[] WithByte(byte[] packet, int at, byte value)
    {
        var copy = (byte[])packet.Clone();
        copy[at] = value;
        return copy;
    }
}
