import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';

/** State store settings (`store:` in the config file). */
export class StoreConfig {
  /**
   * MongoDB connection string (a replica set in production). Unset selects the embedded
   * store in `dataDir`. Overridden by `MONGO_URL`.
   * @default undefined
   */
  @IsOptional()
  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'must be a mongodb:// or mongodb+srv:// URL' })
  mongoUrl?: string;

  /**
   * Directory of the embedded store, shared by the processes of one machine.
   * Overridden by `WARREN_DATA_DIR`.
   * @default './.warren-data'
   */
  @IsString()
  @IsNotEmpty()
  dataDir = './.warren-data';
}
