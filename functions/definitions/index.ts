// Every function of the app, declared once. Add a definition here and both hosts (Azure and local/) run it.
import type { FunctionDefinition } from '../app/definition.ts';
import { adminReplay } from './adminReplay.ts';
import { adminVerify } from './adminVerify.ts';
import { aggregateTemperatures } from './aggregateTemperatures.ts';
import { fetchCityWeather } from './fetchCityWeather.ts';
import { getAggregates } from './getAggregates.ts';
import { getDashboard } from './getDashboard.ts';
import { getCities } from './getCities.ts';
import { getRun } from './getRun.ts';
import { getRuns } from './getRuns.ts';
import { onCityFile } from './onCityFile.ts';
import { refreshRecent } from './refreshRecent.ts';

export const definitions: readonly FunctionDefinition[] = [onCityFile, refreshRecent, fetchCityWeather, aggregateTemperatures, getCities, getAggregates, getDashboard, adminReplay, adminVerify, getRun, getRuns];
