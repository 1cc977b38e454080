using System.Buffers.Binary;
using System.Diagnostics;
using Sensor.Core.Decoding.Fragments;

namespace Sensor.Benchmarks;

/// <summary>
/// Memory under a first-fragment flood (`fragflood [COUNT...]`): COUNT first fragments of 1,000
/// bytes, each of a new datagram from one of 65,536 sources, none ever finished, into a defragmenter
/// with the default 4 MiB cap. Prints what the defragmenter says it holds and what the process holds
/// (managed heap after a full collection, peak working set), so growth with COUNT would show.
/// </summary>
internal static class FragmentFlood
{
    public static int Run(string[] args)
    {
        var counts = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000, 10_000_000];
        Console.WriteLine("fragments | pending | evicted | peak held (cap 4,194,304) | managed after GC | peak working set | ns/fragment");
        foreach (var count in counts)
            Flood(count);
        return 0;
    }

    private static void Flood(int count)
    {
        var defragmenter = new Defragmenter();
        var fragment = Ipv4Fragment(0, 1000, more: true);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(4), (ushort)i);
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(14), (ushort)(i >> 16));   // source 10.0.y.z
            defragmenter.Add(i, fragment, out _);
        }
        watch.Stop();
        var stats = defragmenter.Stats;
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"{count:N0} | {stats.PendingDatagrams:N0} | {stats.DatagramsEvicted:N0} | {stats.PeakBufferedBytes:N0} | " +
            $"{managed:N0} | {Process.GetCurrentProcess().PeakWorkingSet64:N0} | {watch.Elapsed.TotalNanoseconds / count:F0}");
        GC.KeepAlive(defragmenter);
    }

    /// <summary>An IPv4 fragment of <paramref name="length"/> data bytes at <paramref name="offset"/>, from 10.0.0.1 to 10.255.0.25, protocol TCP.</summary>
    public static byte[] Ipv4Fragment(int offset, int length, bool more)
    {
        var packet = new byte[20 + length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((more ? 0x2000 : 0) | offset / 8));
        packet[8] = 64;
        packet[9] = 6;
        packet[12] = 10; packet[15] = 1;
        packet[16] = 10; packet[17] = 255; packet[19] = 25;
        return packet;
    }
}
