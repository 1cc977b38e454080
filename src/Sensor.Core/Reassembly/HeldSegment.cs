using System.Buffers;

namespace Sensor.Core.Reassembly;

/// <summary>Out-of-order bytes copied out of the packet buffer into a pooled array until the hole before them fills.</summary>
internal readonly struct HeldSegment
{
    public HeldSegment(uint sequence, ReadOnlySpan<byte> data)
    {
        Sequence = sequence;
        Buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        Length = data.Length;
        data.CopyTo(Buffer);
    }

    public uint Sequence { get; }
    public byte[] Buffer { get; }
    public int Length { get; }
    public uint End => Sequence + (uint)Length;
    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
