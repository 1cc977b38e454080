using System.Runtime.CompilerServices;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols;

/// <summary>
/// The exception barrier: the only way in (Feed, Gap, End). No exception escapes: a throw is a bug,
/// reported as <see cref="AnomalyNames.ParserFault"/>, and the parser forgets its partial state and carries on.
/// </summary>
public abstract partial class MailSessionParserBase
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Feed(Direction direction, ReadOnlySpan<byte> data, IMailEventSink sink)
    {
        try
        {
            FeedCore(direction, data, sink);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(direction, e, sink);
        }
    }

    public void Gap(Direction direction, IMailEventSink sink)
    {
        try
        {
            GapCore(direction, sink);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(direction, e, sink);
        }
    }

    public void End(IMailEventSink sink)
    {
        try
        {
            EndCore(sink);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault(Direction.ClientToServer, e, sink);
        }
    }

    private void Fault(Direction direction, Exception e, IMailEventSink sink)
    {
        sink.Emit(new ProtocolAnomalyEvent(direction, AnomalyNames.ParserFault, e.GetType().Name));
        _sasl.Drop();
        try
        {
            Reset();
        }
        catch (Exception)
        {
            // Reset must not throw; if it does, the parser stays as it is and carries on.
        }
    }
}
