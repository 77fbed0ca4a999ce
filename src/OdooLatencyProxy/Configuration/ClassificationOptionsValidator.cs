using Microsoft.Extensions.Options;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Configuration;

/// <summary>Checks the <c>Classification</c> section by compiling its rules, reporting every rule that does not compile.</summary>
internal sealed class ClassificationOptionsValidator : IValidateOptions<ClassificationOptions>
{
    public ValidateOptionsResult Validate(string? name, ClassificationOptions options)
    {
        var errors = new List<string>();
        // The classifier stops at its first bad rule: compile each rule among placeholders (same indexes) to report them all.
        var placeholder = new ClassificationRule { Name = "placeholder", Path = "/" };
        for (var i = 0; i < options.Rules.Count; i++)
        {
            try
            {
                _ = new RequestClassifier(options with { Rules = [.. options.Rules.Select((r, j) => j == i ? r : placeholder)] });
            }
            catch (ClassificationRuleException e) when (e.RuleIndex == i)
            {
                errors.Add($"{ClassifierLoader.Section}:Rules:{i}: {e.Message}");
            }
            catch (ClassificationRuleException)
            {
                // Another rule's problem, reported on its own turn.
            }
        }
        if (errors.Count == 0)
        {
            try
            {
                _ = new RequestClassifier(options);
            }
            catch (ClassificationRuleException e)
            {
                errors.Add($"{ClassifierLoader.Section}:Rules:{e.RuleIndex}: {e.Message}");
            }
            catch (ArgumentException e)
            {
                errors.Add($"{ClassifierLoader.Section}: {e.Message}");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
