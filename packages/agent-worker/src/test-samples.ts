import { type PrometheusSample, parsePrometheusText } from './prometheus-text.js';

/** The value of the one sample with this name whose labels include `labels` (undefined if none). */
export function sampleValue(
  samples: PrometheusSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples match ${name}`);
  return found[0]?.value;
}

export async function scrape(source: { text(): Promise<string> }): Promise<PrometheusSample[]> {
  return parsePrometheusText(await source.text());
}
