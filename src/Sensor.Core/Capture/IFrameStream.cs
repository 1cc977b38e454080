namespace Sensor.Core.Capture;

/// <summary>
/// A capture the sensor reads itself, front to back, without seeking: a pcapng file past where libpcap
/// gives up, or any capture that arrives on a pipe, a FIFO or stdin. Lengths and indexes from the
/// input are checked before use; a record that cannot be is <see cref="Malformed"/>, one the end of
/// input cut short is not.
/// </summary>
internal interface IFrameStream : IDisposable
{
    /// <summary>The next frame; false at the end of the input or where it stops making sense (<see cref="Error"/>).</summary>
    bool TryRead(out long ticks, out int linkType, out int originalLength, out ReadOnlySpan<byte> data);

    /// <summary>Why reading stopped before the end of the input, or null.</summary>
    string? Error { get; }

    /// <summary>True when reading stopped at a record that cannot be (not one the end of input cut short).</summary>
    bool Malformed { get; }

    /// <summary>Where the record or block <see cref="Error"/> speaks of starts.</summary>
    long BlockOffset { get; }
}
