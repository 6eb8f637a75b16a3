import { ArrayMaxSize, IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../common/money';
import { QuoteStatus } from '../ticket/coverage';
import { Platform, PlatformFlag, PortDecision } from './platform-rules';

registerEnumType(Platform, { name: 'Platform', description: 'The software the store runs: OpenCart itself or a port of it.' });
registerEnumType(PlatformFlag, {
  name: 'PlatformFlag',
  valuesConfig: {
    LEGACY_VERSION: { description: 'OpenCart older than 1.5.4: the fix is not guaranteed; the reply time stays guaranteed.' },
    NON_NATIVE_PORT: { description: 'Not pure OpenCart: staff accept, accept with a surcharge, or deny support.' },
    WRONG_MODULE_VERSION: { description: 'A module built for another OpenCart line: its fix is not guaranteed.' },
    UNKNOWN_VERSION: { description: 'The OpenCart version could not be established.' },
    POORLY_CODED_MODULE: { description: 'Staff found a badly/poorly coded module involved: the fix is not guaranteed.' },
  },
});
registerEnumType(PortDecision, { name: 'PortDecision' });

export enum ExtensionKind {
  EXTENSION = 'EXTENSION',
  MODIFICATION = 'MODIFICATION',
}
registerEnumType(ExtensionKind, { name: 'ExtensionKind' });

// ---------- environment reported by the store ----------

@InputType({ description: 'An extension or modification installed in the store.' })
export class InstalledExtensionInput {
  @Field(() => ExtensionKind)
  kind!: ExtensionKind;

  @Field(() => String)
  @Length(1, 128)
  code!: string;

  @Field(() => String)
  @Length(1, 255)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  version?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(255)
  author?: string | null;

  @Field(() => String, { nullable: true, description: 'The OpenCart line it appears built for: 1.5, 2.x, 3.0 or 4.x.' })
  @IsOptional()
  @MaxLength(3)
  @Matches(/^(1\.5|2\.x|3\.0|4\.x)$/, { message: 'targetLine must be one of 1.5, 2.x, 3.0, 4.x' })
  targetLine?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the module thinks so, in a few words.' })
  @IsOptional()
  @MaxLength(500)
  evidence?: string | null;
}

@InputType({ description: 'The store environment, as detected by the OpenCart module.' })
export class OpenCartEnvironmentInput {
  @Field(() => String, { nullable: true, description: "The store's VERSION constant (for Arastta: Arastta's own version)." })
  @IsOptional()
  @MaxLength(32)
  opencartVersion?: string | null;

  @Field(() => Platform, { defaultValue: Platform.NATIVE })
  platform: Platform = Platform.NATIVE;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  platformVersion?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(32)
  phpVersion?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(300)
  @MaxLength(100, { each: true })
  phpExtensions?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  webServer?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  databaseServer?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048)
  storeUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(32)
  adminLanguage?: string | null;

  @Field(() => [InstalledExtensionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  extensions?: InstalledExtensionInput[] | null;

  @Field(() => String, { nullable: true, description: 'The last lines of the error log, secrets redacted by the module (opt-in).' })
  @IsOptional()
  @MaxLength(20_000)
  errorLogExcerpt?: string | null;
}

@ObjectType('InstalledExtension')
export class InstalledExtensionView {
  @Field(() => ExtensionKind) kind!: ExtensionKind;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) version?: string | null;
  @Field(() => String, { nullable: true }) author?: string | null;
  @Field(() => String, { nullable: true }) targetLine?: string | null;
  @Field(() => String, { nullable: true }) evidence?: string | null;
}

@ObjectType('OpenCartEnvironment', { description: 'The store environment reported with a ticket.' })
export class OpenCartEnvironmentView {
  @Field(() => String, { nullable: true }) opencartVersion?: string | null;
  @Field(() => Platform) platform!: Platform;
  @Field(() => String, { nullable: true }) platformVersion?: string | null;
  @Field(() => String, { nullable: true }) phpVersion?: string | null;
  @Field(() => [String]) phpExtensions!: string[];
  @Field(() => String, { nullable: true }) webServer?: string | null;
  @Field(() => String, { nullable: true }) databaseServer?: string | null;
  @Field(() => String, { nullable: true }) storeUrl?: string | null;
  @Field(() => String, { nullable: true }) adminLanguage?: string | null;
  @Field(() => [InstalledExtensionView]) extensions!: InstalledExtensionView[];
  @Field(() => String, { nullable: true }) errorLogExcerpt?: string | null;
}
// ---------- staff's decision on a port ----------

@ObjectType({ description: "Staff's decision on a store that runs a non-native OpenCart port." })
export class PortReview {
  @Field(() => Boolean, { description: 'True while staff have not decided yet.' })
  pending!: boolean;
  @Field(() => PortDecision, { nullable: true }) decision!: PortDecision | null;
  @Field(() => Money, { nullable: true }) surcharge!: Money | null;
  @Field(() => QuoteStatus, { nullable: true, description: "The merchant's answer to the surcharge." })
  surchargeStatus!: QuoteStatus | null;
  @Field(() => String, { nullable: true }) note!: string | null;
}
