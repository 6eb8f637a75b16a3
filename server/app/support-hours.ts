import { SupportCalendar } from '../modules/support-hours/support-calendar';
import { parseSupportHoursConfig } from '../modules/support-hours/support-calendar';
import type { Config } from './config';

export function supportCalendarFrom(config: Config): SupportCalendar {
  const [country, region] = config.SUPPORT_HOLIDAYS.split('-');
  return new SupportCalendar(
    parseSupportHoursConfig({
      zone: config.SUPPORT_TIMEZONE,
      opensAt: config.SUPPORT_OPENS_AT,
      closesAt: config.SUPPORT_CLOSES_AT,
      businessDays: config.SUPPORT_BUSINESS_DAYS,
      holidayCountry: country,
      holidayRegion: region,
    }),
  );
}
