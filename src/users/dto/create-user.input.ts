import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

@InputType('CreateUserInput', { description: 'A user to create, as the body of POST /api/users' })
export class CreateUserInput {
  @ApiProperty({ example: 'ada@example.com' })
  @Field({ description: 'Their email address; a taken one is a conflict' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Field({ description: 'Their name' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}
