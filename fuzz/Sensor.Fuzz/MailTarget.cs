using Sensor.Core.Catalogue;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;

namespace Sensor.Fuzz;

/// <summary>
/// SMTP/IMAP/POP3 session parsers. First byte: protocol (bits 0-1), implicit TLS (bit 2), a tight
/// buffer budget (bit 3). Then <see cref="Chunks"/>. Checks: no exception escapes, no parser-fault
/// anomaly, and the budget is whole again after ReleaseBuffers.
/// </summary>
internal static class MailTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var options = input.Byte();
        var protocol = (options & 3) switch { 0 => MailProtocol.Smtp, 1 => MailProtocol.Imap, _ => MailProtocol.Pop3 };
        var budget = new BufferBudget((options & 8) != 0 ? 8 * 1024 : long.MaxValue);
        var parser = MailParserFactory.Create(protocol, implicitTls: (options & 4) != 0, budget);
        var sink = new CheckingSink();
        while (Chunks.Next(ref input, out var chunk))
        {
            var direction = chunk.Server ? Direction.ServerToClient : Direction.ClientToServer;
            if (chunk.Kind == Chunks.Kind.Gap)
                parser.Gap(direction, sink);
            else
                parser.Feed(direction, chunk.Data, sink);
        }
        parser.End(sink);
        parser.ReleaseBuffers();
        Checks.BudgetReturned(budget);
    }
}

/// <summary>Keeps nothing; a parser-fault anomaly, or an anomaly name the catalogue lacks, is a finding.</summary>
internal sealed class CheckingSink : IMailEventSink
{
    public void Emit(MailEvent mailEvent)
    {
        if (mailEvent is ProtocolAnomalyEvent { Name: AnomalyNames.ParserFault } fault)
            throw new FuzzFinding($"parser-fault: {fault.Detail} ({fault.Direction})");
        if (mailEvent is ProtocolAnomalyEvent anomaly && !AnomalyCatalogue.Contains(anomaly.Name))
            throw new FuzzFinding($"anomaly '{anomaly.Name}' is not in the catalogue");
    }
}

internal static class Checks
{
    public static void BudgetReturned(BufferBudget budget)
    {
        if (budget.ReservedBytes != 0)
            throw new FuzzFinding($"buffer budget not given back: {budget.ReservedBytes} bytes still reserved");
    }
}
