using System.CommandLine;
using Sensor.Core.Detection;

namespace Sensor.Cli.Commands;

/// <summary>`sensor rules check FILE`: validates a rule file (YAML) or an EFF policy list (JSON), with line-precise errors.</summary>
public static class RulesCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "rule file (.yaml) or EFF STARTTLS-Everywhere policy list (.json)" };
        var check = new Command("check", "Validate a rule or policy file; prints FILE:LINE:COLUMN: message for each error") { file };
        check.SetAction(result => Check(result.GetValue(file)!));
        return new Command("rules", "Work with detection rules") { check };
    }

    private static int Check(FileInfo file)
    {
        try
        {
            if (file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                var entries = EffPolicyListLoader.Load(file.FullName);
                Console.WriteLine($"{file.Name}: ok, EFF policy list with {entries.Count} MX pattern(s)");
            }
            else
            {
                var rules = RuleFileLoader.Load(file.FullName, DefaultRules.Rules);
                Console.WriteLine($"{file.Name}: ok, {rules.MangleRules.Count} mangling pattern(s), {rules.Policy.Count} policy entr(y/ies), {rules.Severities.Count} severity rule(s)");
            }
            return ExitCodes.Ok;
        }
        catch (RuleFileException e)
        {
            foreach (var error in e.Errors)
                Console.Error.WriteLine(error);
            return ExitCodes.BadInput;
        }
    }
}
