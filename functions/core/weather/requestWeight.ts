// Open-Meteo's free tier counts a request as more than one call when it asks for much data:
// `max(1, days/14 × variables/10) × locations`. The limiter spends this weight, not a count of requests.

export function requestWeight(days: number, variables = 1, locations = 1): number {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${days}`);
  if (!Number.isInteger(variables) || variables < 1) throw new RangeError(`variables must be a whole number ≥ 1, got ${variables}`);
  if (!Number.isInteger(locations) || locations < 1) throw new RangeError(`locations must be a whole number ≥ 1, got ${locations}`);
  return Math.max(1, (days / 14) * (variables / 10)) * locations;
}
