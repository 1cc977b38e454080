using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// A pure parser for one mail session: both directions' bytes in (each in order, as reassembly
/// hands them over), events out. No I/O, clock or logging. Input may be split anywhere.
/// </summary>
public interface IMailSessionParser
{
    MailProtocol Protocol { get; }

    /// <summary>True once the session has switched to TLS (after an accepted STARTTLS, or from the start on implicit-TLS ports).</summary>
    bool InTls { get; }

    void Feed(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink);

    /// <summary>
    /// Bytes were lost in this direction (or the session was picked up mid-stream). The next bytes
    /// may start mid-line: discard to the next line end unless they plainly start a protocol line.
    /// </summary>
    void Gap(Direction direction, IMailEventSink sink);

    /// <summary>The flow ended: flush anything pending (an AUTH LOGIN cut short, a STARTTLS never answered).</summary>
    void End(IMailEventSink sink);

    /// <summary>After <see cref="End"/> (or instead of it): gives back every buffer and its share of the <see cref="Text.BufferBudget"/>. Raises no event.</summary>
    void ReleaseBuffers();
}
