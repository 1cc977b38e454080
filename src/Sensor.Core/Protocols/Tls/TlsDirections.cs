using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Core.Protocols.Tls;

/// <summary>
/// The two <see cref="TlsStreamParser"/>s of a mail session, each made on the first TLS byte of its
/// direction: most sessions never get there (per-session cost, bench/README.md).
/// </summary>
public struct TlsDirections
{
    private TlsStreamParser? _client;
    private TlsStreamParser? _server;

    /// <summary>The direction's parser; made on first use, with its buffers reserved from <paramref name="budget"/>.</summary>
    public TlsStreamParser For(Direction direction, BufferBudget budget) => direction == Direction.ClientToServer
        ? _client ??= new TlsStreamParser(Direction.ClientToServer, budget: budget)
        : _server ??= new TlsStreamParser(Direction.ServerToClient, budget: budget);

    /// <summary>Ends the directions that were made (their buffers go back to the budget).</summary>
    public readonly void End()
    {
        _client?.End();
        _server?.End();
    }
}
