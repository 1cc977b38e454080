using Sensor.Core.Protocols.Text;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Fuzz;

/// <summary>
/// The TLS record layer and handshake decoder, one direction. First byte: direction (bit 0), a tight
/// budget (bit 1), a small handshake cap (bit 2). Then <see cref="Chunks"/> (direction bit ignored).
/// </summary>
internal static class TlsTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var options = input.Byte();
        var budget = new BufferBudget((options & 2) != 0 ? 4 * 1024 : long.MaxValue);
        var parser = new TlsStreamParser((options & 1) != 0 ? Direction.ServerToClient : Direction.ClientToServer,
            (options & 4) != 0 ? 1024 : TlsStreamParser.DefaultMaxHandshakeBytes, budget);
        var sink = new CheckingSink();
        while (Chunks.Next(ref input, out var chunk))
        {
            if (chunk.Kind == Chunks.Kind.Gap)
                parser.Gap(sink);
            else
                parser.Feed(chunk.Data, sink);
        }
        parser.End();
        Checks.BudgetReturned(budget);
    }
}
