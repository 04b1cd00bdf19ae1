import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SKUS, Sku } from '@comms-credits/contracts';
import { IsDefined, IsISO31661Alpha2, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

export class UpsertUserRequest {
  @ApiProperty({ example: 'US', nullable: true, description: 'ISO 3166-1 alpha-2 country; null: none (no licence can be assigned)' })
  @IsDefined({ message: 'usageLocation is required (a country code, or null)' })
  @ValidateIf((request: UpsertUserRequest) => request.usageLocation !== null)
  @Matches(/^[A-Z]{2}$/, { message: 'usageLocation must be an upper-case ISO 3166-1 alpha-2 code' })
  @IsISO31661Alpha2({ message: 'usageLocation must be an ISO 3166-1 alpha-2 country code' })
  usageLocation!: string | null;

  @ApiPropertyOptional({ example: 'Alice Example' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  displayName?: string;
}

export class SetSeatsRequest {
  @ApiProperty({ example: 25, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  seats!: number;
}

export class UserResponse {
  @ApiProperty({ description: 'the user’s version (also its ETag)' }) version!: number;
  @ApiProperty() userId!: string;
  @ApiProperty({ nullable: true, example: 'US' }) usageLocation!: string | null;
  @ApiProperty({ nullable: true }) displayName!: string | null;
  @ApiProperty({ enum: SKUS, isArray: true }) licenses!: Sku[];
}

export class SubscriptionResponse {
  @ApiProperty({ enum: SKUS }) sku!: Sku;
  @ApiProperty() seats!: number;
  @ApiProperty() assigned!: number;
  @ApiProperty({ nullable: true, description: 'null for free and unlimited SKUs' }) available!: number | null;
}
