using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.StartTls;

/// <summary>
/// The bytes the STARTTLS gate holds aside: the client's after its command and before the answer
/// (CVE-2011-0411: a server that buffers them runs them after TLS), the server's after an acceptance
/// and before the client's first TLS record (a buffered response taken as post-TLS, Poddebniak et
/// al. 2021), and the client's cleartext after an acceptance, a line's worth, for the report.
/// </summary>
public readonly struct InjectedBytes(BufferBudget budget)
{
    /// <summary>The first line of cleartext after an acceptance is reported up to this many bytes.</summary>
    public const int NotTlsPreviewBytes = 64;

    private readonly HeldBytes _client = new(budget: budget);
    private readonly HeldBytes _server = new(budget: budget);

    public void Hold(Direction direction, ReadOnlySpan<byte> data) => Of(direction).Add(data);

    /// <summary>One <see cref="InjectedBytesEvent"/> for what the direction holds, if anything.</summary>
    public void Report(Direction direction, IMailEventSink sink)
    {
        var held = Of(direction);
        if (held.Count > 0)
            sink.Emit(new InjectedBytesEvent(direction, (int)Math.Min(held.Count, int.MaxValue), held.Preview()));
    }

    public void Drop(Direction direction) => Of(direction).Clear();

    public void Clear()
    {
        _client.Clear();
        _server.Clear();
    }

    /// <summary>
    /// Holds the client's cleartext after an acceptance up to its first line end or the preview's
    /// length, advancing <paramref name="data"/>: true once that much is held (so the report is the
    /// same however the input is split).
    /// </summary>
    public bool CollectClientLine(ref ReadOnlySpan<byte> data)
    {
        int lf = data.IndexOf((byte)'\n');
        int need = NotTlsPreviewBytes - (int)_client.Count;
        bool lineDone = lf >= 0 && lf < need;
        int take = lineDone ? lf + 1 : Math.Min(data.Length, need);
        _client.Add(data[..take]);
        data = data[take..];
        return lineDone || _client.Count >= NotTlsPreviewBytes;
    }

    /// <summary>The <see cref="TlsNotStartedEvent"/> with the first line of what the client holds.</summary>
    public void ReportNotStarted(IMailEventSink sink)
    {
        var kept = _client.Kept;
        int lf = kept.IndexOf((byte)'\n');
        var line = lf >= 0 ? kept[..lf].TrimEnd((byte)'\r') : kept;
        sink.Emit(new TlsNotStartedEvent(Direction.ClientToServer, WireText.Escape(line)));
    }

    /// <summary>A copy of what the client holds, to be parsed after all, and whether bytes past the cap were lost; the client's hold is emptied.</summary>
    public byte[] TakeClient(out bool truncated)
    {
        var copy = _client.Kept.ToArray();
        truncated = _client.Truncated;
        _client.Clear();
        return copy;
    }

    private HeldBytes Of(Direction direction) => direction == Direction.ClientToServer ? _client : _server;
}
