namespace Sensor.Core.Capture;

public enum CaptureErrorKind : byte
{
    MissingFile,
    NotACaptureFile,
    UnsupportedLinkType,
    Unreadable,
    /// <summary>Live capture: no interface of that name.</summary>
    NoSuchInterface,
    /// <summary>Live capture: libpcap could not open the interface (usually permissions: root or CAP_NET_RAW).</summary>
    CannotCapture,
    /// <summary>Live capture: the BPF filter does not compile.</summary>
    BadFilter,
}

/// <summary>
/// A capture file (or interface) that cannot be used at all. The message is one line meant for the user as it is
/// (the CLI prints it on stderr and exits 2). A file that is merely cut short is not an error: see
/// <see cref="TruncationNote"/>.
/// </summary>
public sealed class CaptureException : Exception
{
    public CaptureException(CaptureErrorKind kind, string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Path = path;
    }

    public CaptureErrorKind Kind { get; }
    public string Path { get; }
}
